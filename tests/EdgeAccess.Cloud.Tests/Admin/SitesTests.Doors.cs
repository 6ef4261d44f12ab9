using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin;

public sealed partial class SitesTests
{
    [Fact]
    public async Task CreateDoor_AsOperator_GetAndListReturnIt()
    {
        var site = await fixture.NewSiteAsync();

        var door = await fixture.Sites.CreateDoorAsync(new CreateDoorRequest { Door = new Door { SiteId = site.Id, Name = "Main entrance", Direction = DoorDirection.Both, RequiresPin = true } }, fixture.Operator).WithTimeout();
        var read = await fixture.Sites.GetDoorAsync(new GetDoorRequest { Id = door.Id }, fixture.Auditor).WithTimeout();
        var listed = await fixture.Sites.ListDoorsAsync(new ListDoorsRequest { SiteId = site.Id }, fixture.Auditor).WithTimeout();

        Assert.Equal(door, read);
        Assert.Equal([door], listed.Doors);
        Assert.Equal(("Main entrance", DoorDirection.Both, true, site.Id), (door.Name, door.Direction, door.RequiresPin, door.SiteId));
        Assert.Empty(listed.NextPageToken);
    }

    [Fact]
    public async Task ListDoors_SiteAndNameFilterAcrossPages_ReturnsEachMatchOnce()
    {
        var site = await fixture.NewSiteAsync();
        var other = await fixture.NewSiteAsync();
        var wanted = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            wanted.Add((await fixture.NewDoorAsync(site.Id, $"Lab 100%_{i}")).Id);
        }

        await fixture.NewDoorAsync(site.Id, "Lab 1000");
        await fixture.NewDoorAsync(other.Id, "Lab 100%_9");

        var first = await fixture.Sites.ListDoorsAsync(new ListDoorsRequest { SiteId = site.Id, NameContains = "lab 100%_", PageSize = 2 }, fixture.Admin).WithTimeout();
        var second = await fixture.Sites.ListDoorsAsync(new ListDoorsRequest { SiteId = site.Id, NameContains = "lab 100%_", PageSize = 2, PageToken = first.NextPageToken }, fixture.Admin).WithTimeout();

        Assert.Equal(wanted, first.Doors.Concat(second.Doors).Select(d => d.Id));
        Assert.NotEmpty(first.NextPageToken);
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task CreateDoor_DuplicateNameOnSite_AlreadyExistsButFineOnAnotherSite()
    {
        var site = await fixture.NewSiteAsync();
        var other = await fixture.NewSiteAsync();
        await fixture.NewDoorAsync(site.Id, "Gate");

        await fixture.Sites.CreateDoorAsync(new CreateDoorRequest { Door = new Door { SiteId = site.Id, Name = "Gate" } }, fixture.Admin)
            .FailsWith(StatusCode.AlreadyExists, "\"Gate\"");
        var elsewhere = await fixture.NewDoorAsync(other.Id, "Gate");

        Assert.Equal(other.Id, elsewhere.SiteId);
    }

    [Theory]
    [InlineData("", "Door", 0, "door.site_id: is required")]
    [InlineData("not-a-uuid", "Door", 0, "door.site_id: must be a UUID")]
    [InlineData("{site}", " ", 0, "door.name: is required")]
    [InlineData("{site}", "Door", 7, "door.direction: must be")]
    [InlineData("{unknown}", "Door", 0, "door.site_id: site")]
    public async Task CreateDoor_BadField_InvalidArgumentNamingIt(string siteId, string name, int direction, string detail)
    {
        var site = await fixture.NewSiteAsync();
        siteId = siteId.Replace("{site}", site.Id, StringComparison.Ordinal).Replace("{unknown}", Guid.NewGuid().ToString(), StringComparison.Ordinal);

        await fixture.Sites.CreateDoorAsync(new CreateDoorRequest { Door = new Door { SiteId = siteId, Name = name, Direction = (DoorDirection)direction } }, fixture.Admin)
            .FailsWith(StatusCode.InvalidArgument, detail);
        Assert.Equal(0, await fixture.CountAsync<Stored.Door>(d => d.SiteId == Guid.Parse(site.Id)));
    }

    [Fact]
    public async Task CreateDoor_SameRequestIdTwice_SameDoorAndOneRow()
    {
        var site = await fixture.NewSiteAsync();
        var request = new CreateDoorRequest { RequestId = "door-" + Guid.NewGuid(), Door = new Door { SiteId = site.Id, Name = "Dock" } };

        var first = await fixture.Sites.CreateDoorAsync(request, fixture.Operator).WithTimeout();
        var second = await fixture.Sites.CreateDoorAsync(request, fixture.Operator).WithTimeout();

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, await fixture.CountAsync<Stored.Door>(d => d.SiteId == Guid.Parse(site.Id)));
    }

    [Fact]
    public async Task UpdateDoor_AsOperator_ReplacesFieldsAndAudits()
    {
        var site = await fixture.NewSiteAsync();
        var door = await fixture.NewDoorAsync(site.Id);

        var updated = await fixture.Sites.UpdateDoorAsync(new UpdateDoorRequest { Door = new Door { Id = door.Id, Name = "Side exit", Direction = DoorDirection.Exit, Etag = door.Etag } }, fixture.Operator).WithTimeout();

        Assert.Equal(("Side exit", DoorDirection.Exit, false, site.Id), (updated.Name, updated.Direction, updated.RequiresPin, updated.SiteId));
        Assert.NotEqual(door.Etag, updated.Etag);
        Assert.Equal(["create", "update"], await fixture.AuditActionsAsync("Door", door.Id));
    }

    [Fact]
    public async Task UpdateDoor_StaleEtag_FailedPrecondition()
    {
        var site = await fixture.NewSiteAsync();
        var door = await fixture.NewDoorAsync(site.Id);
        await fixture.Sites.UpdateDoorAsync(new UpdateDoorRequest { Door = new Door { Id = door.Id, Name = door.Name, RequiresPin = true, Etag = door.Etag } }, fixture.Admin).WithTimeout();

        await fixture.Sites.UpdateDoorAsync(new UpdateDoorRequest { Door = new Door { Id = door.Id, Name = door.Name, Etag = door.Etag } }, fixture.Admin)
            .FailsWith(StatusCode.FailedPrecondition, "etag");

        Assert.True((await fixture.Sites.GetDoorAsync(new GetDoorRequest { Id = door.Id }, fixture.Admin).WithTimeout()).RequiresPin);
    }

    [Fact]
    public async Task UpdateDoor_OtherSite_InvalidArgument()
    {
        var site = await fixture.NewSiteAsync();
        var other = await fixture.NewSiteAsync();
        var door = await fixture.NewDoorAsync(site.Id);

        await fixture.Sites.UpdateDoorAsync(new UpdateDoorRequest { Door = new Door { Id = door.Id, SiteId = other.Id, Name = door.Name } }, fixture.Admin)
            .FailsWith(StatusCode.InvalidArgument, "door.site_id: cannot be changed");
    }

    [Fact]
    public async Task DeleteDoor_UsedBySchemeAndGrant_FailedPreconditionAndNothingChanged()
    {
        var (_, doorA, _, schedule) = await fixture.NewSiteWithDoorsAsync();
        var scheme = new AccessScheme { SiteId = doorA.SiteId, GroupId = (await fixture.NewGroupAsync()).ToString(), ScheduleId = schedule.Id, Name = "Staff" };
        scheme.DoorIds.Add(doorA.Id);
        await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = scheme }, fixture.Admin).WithTimeout();
        var grant = new DirectGrant { PersonId = (await fixture.NewPersonAsync()).ToString(), DoorId = doorA.Id, ScheduleId = schedule.Id };
        await fixture.Grants.CreateDirectGrantAsync(new CreateDirectGrantRequest { Grant = grant }, fixture.Admin).WithTimeout();

        var error = await fixture.Sites.DeleteDoorAsync(new DeleteDoorRequest { Id = doorA.Id, Etag = doorA.Etag }, fixture.Admin).FailsWith(StatusCode.FailedPrecondition);

        Assert.Contains("1 access schemes (\"Staff\")", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("1 direct grants", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(doorA, await fixture.Sites.GetDoorAsync(new GetDoorRequest { Id = doorA.Id }, fixture.Admin).WithTimeout());
        Assert.Equal(1, await fixture.CountAsync<Stored.AccessSchemeDoor>(d => d.DoorId == Guid.Parse(doorA.Id)));
    }

    [Fact]
    public async Task DeleteDoor_Unused_GoneAndAudited()
    {
        var site = await fixture.NewSiteAsync();
        var door = await fixture.NewDoorAsync(site.Id);

        await fixture.Sites.DeleteDoorAsync(new DeleteDoorRequest { Id = door.Id, Etag = door.Etag }, fixture.Admin).WithTimeout();

        await fixture.Sites.GetDoorAsync(new GetDoorRequest { Id = door.Id }, fixture.Admin).FailsWith(StatusCode.NotFound);
        Assert.Equal(["create", "delete"], await fixture.AuditActionsAsync("Door", door.Id));
    }
}
