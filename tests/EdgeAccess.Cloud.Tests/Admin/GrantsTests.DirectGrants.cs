using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin;

public sealed partial class GrantsTests
{
    [Fact]
    public async Task CreateDirectGrant_ThenGetAndListByPersonAndDoor_ReturnsIt()
    {
        var (_, doorA, doorB, schedule) = await fixture.NewSiteWithDoorsAsync();
        var person = (await fixture.NewPersonAsync()).ToString();
        var input = new DirectGrant { PersonId = person, DoorId = doorA.Id, ScheduleId = schedule.Id, RequiresPin = true, ValidFrom = From, Reason = " Night shift cover " };

        var grant = await fixture.Grants.CreateDirectGrantAsync(new CreateDirectGrantRequest { Grant = input }, fixture.Admin).WithTimeout();
        var other = await fixture.Grants.CreateDirectGrantAsync(new CreateDirectGrantRequest { Grant = new DirectGrant { PersonId = person, DoorId = doorB.Id, ScheduleId = schedule.Id } }, fixture.Admin).WithTimeout();
        var read = await fixture.Grants.GetDirectGrantAsync(new GetDirectGrantRequest { Id = grant.Id }, fixture.Auditor).WithTimeout();
        var byPerson = await fixture.Grants.ListDirectGrantsAsync(new ListDirectGrantsRequest { PersonId = person, PageSize = 1 }, fixture.Operator).WithTimeout();
        var nextPage = await fixture.Grants.ListDirectGrantsAsync(new ListDirectGrantsRequest { PersonId = person, PageSize = 1, PageToken = byPerson.NextPageToken }, fixture.Operator).WithTimeout();
        var byDoor = await fixture.Grants.ListDirectGrantsAsync(new ListDirectGrantsRequest { PersonId = person, DoorId = doorA.Id }, fixture.Operator).WithTimeout();

        Assert.Equal(grant, read);
        Assert.Equal(("Night shift cover", true, From, null), (read.Reason, read.RequiresPin, read.ValidFrom, read.ValidTo));
        Assert.Equal([grant.Id, other.Id], byPerson.Grants.Concat(nextPage.Grants).Select(g => g.Id));
        Assert.Empty(nextPage.NextPageToken);
        Assert.Equal([grant], byDoor.Grants);
        Assert.Equal(["create"], await fixture.AuditActionsAsync("DirectGrant", grant.Id));
    }

    [Theory]
    [InlineData("person-unknown", "grant.person_id: person")]
    [InlineData("person-missing", "grant.person_id: is required")]
    [InlineData("door-unknown", "grant.door_id: door")]
    [InlineData("schedule-other-site", "grant.schedule_id: schedule")]
    [InlineData("window", "grant.valid_to: must be after grant.valid_from")]
    [InlineData("reason", "grant.reason: must be at most 500 characters")]
    public async Task CreateDirectGrant_BadField_InvalidArgumentNamingItAndNothingWritten(string fault, string detail)
    {
        var (_, door, _, schedule) = await fixture.NewSiteWithDoorsAsync();
        var input = new DirectGrant { PersonId = (await fixture.NewPersonAsync()).ToString(), DoorId = door.Id, ScheduleId = schedule.Id };
        switch (fault)
        {
            case "person-unknown": input.PersonId = Guid.NewGuid().ToString(); break;
            case "person-missing": input.PersonId = ""; break;
            case "door-unknown": input.DoorId = Guid.NewGuid().ToString(); break;
            case "schedule-other-site": input.ScheduleId = (await fixture.NewScheduleAsync((await fixture.NewSiteAsync()).Id)).Id; break;
            case "window": (input.ValidFrom, input.ValidTo) = (From, From); break;
            case "reason": input.Reason = new string('r', 501); break;
        }

        await fixture.Grants.CreateDirectGrantAsync(new CreateDirectGrantRequest { Grant = input }, fixture.Admin).FailsWith(StatusCode.InvalidArgument, detail);
        Assert.Equal(0, await fixture.CountAsync<Stored.DirectGrant>(g => g.DoorId == Guid.Parse(door.Id)));
    }

    [Fact]
    public async Task CreateDirectGrant_SameRequestIdTwice_OneGrant()
    {
        var (_, door, _, schedule) = await fixture.NewSiteWithDoorsAsync();
        var request = new CreateDirectGrantRequest
        {
            RequestId = "grant-" + Guid.NewGuid(),
            Grant = new DirectGrant { PersonId = (await fixture.NewPersonAsync()).ToString(), DoorId = door.Id, ScheduleId = schedule.Id },
        };

        var first = await fixture.Grants.CreateDirectGrantAsync(request, fixture.Admin).WithTimeout();
        var second = await fixture.Grants.CreateDirectGrantAsync(request, fixture.Admin).WithTimeout();

        Assert.Equal(first, second);
        Assert.Equal(1, await fixture.CountAsync<Stored.DirectGrant>(g => g.DoorId == Guid.Parse(door.Id)));
    }

    [Fact]
    public async Task UpdateDirectGrant_NewDoorAndReason_ReplacesFieldsThenStaleEtagRefused()
    {
        var (_, doorA, doorB, schedule) = await fixture.NewSiteWithDoorsAsync();
        var grant = await fixture.Grants.CreateDirectGrantAsync(
            new CreateDirectGrantRequest { Grant = new DirectGrant { PersonId = (await fixture.NewPersonAsync()).ToString(), DoorId = doorA.Id, ScheduleId = schedule.Id } }, fixture.Admin).WithTimeout();

        var updated = await fixture.Grants.UpdateDirectGrantAsync(
            new UpdateDirectGrantRequest { Grant = new DirectGrant(grant) { DoorId = doorB.Id, Reason = "Moved", ValidTo = To } }, fixture.Admin).WithTimeout();
        await fixture.Grants.UpdateDirectGrantAsync(new UpdateDirectGrantRequest { Grant = new DirectGrant(grant) { Reason = "Lost update" } }, fixture.Admin)
            .FailsWith(StatusCode.FailedPrecondition, "etag");
        await fixture.Grants.UpdateDirectGrantAsync(new UpdateDirectGrantRequest { Grant = new DirectGrant(updated) { PersonId = (await fixture.NewPersonAsync()).ToString() } }, fixture.Admin)
            .FailsWith(StatusCode.InvalidArgument, "grant.person_id: cannot be changed");

        Assert.Equal((doorB.Id, "Moved", To), (updated.DoorId, updated.Reason, updated.ValidTo));
        Assert.NotEqual(grant.Etag, updated.Etag);
        Assert.Equal(updated, await fixture.Grants.GetDirectGrantAsync(new GetDirectGrantRequest { Id = grant.Id }, fixture.Admin).WithTimeout());
        Assert.Equal(["create", "update"], await fixture.AuditActionsAsync("DirectGrant", grant.Id));
    }

    [Fact]
    public async Task DeleteDirectGrant_AsAdmin_GoneButAuditorMayNot()
    {
        var (_, door, _, schedule) = await fixture.NewSiteWithDoorsAsync();
        var grant = await fixture.Grants.CreateDirectGrantAsync(
            new CreateDirectGrantRequest { Grant = new DirectGrant { PersonId = (await fixture.NewPersonAsync()).ToString(), DoorId = door.Id, ScheduleId = schedule.Id } }, fixture.Admin).WithTimeout();

        await fixture.Grants.DeleteDirectGrantAsync(new DeleteDirectGrantRequest { Id = grant.Id }, fixture.Auditor).FailsWith(StatusCode.PermissionDenied);
        await fixture.Grants.DeleteDirectGrantAsync(new DeleteDirectGrantRequest { Id = grant.Id, Etag = grant.Etag }, fixture.Admin).WithTimeout();

        await fixture.Grants.GetDirectGrantAsync(new GetDirectGrantRequest { Id = grant.Id }, fixture.Admin).FailsWith(StatusCode.NotFound);
        Assert.Equal(["create", "delete"], await fixture.AuditActionsAsync("DirectGrant", grant.Id));
    }
}
