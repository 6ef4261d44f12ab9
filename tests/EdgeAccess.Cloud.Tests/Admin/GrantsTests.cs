using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin;

/// <summary><c>edgeaccess.v1.GrantService</c> over real gRPC: access schemes and direct grants.</summary>
public sealed partial class GrantsTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    private static readonly Timestamp From = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private static readonly Timestamp To = Timestamp.FromDateTimeOffset(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task CreateAccessScheme_ThenGet_ReturnsItWithDoors()
    {
        var (site, doorA, doorB, schedule) = await fixture.NewSiteWithDoorsAsync();
        var input = await SchemeAsync(site, schedule, doorB, doorA);
        input.RequiresPin = true;
        input.ValidFrom = From;
        input.ValidTo = To;

        var created = await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = input }, fixture.Admin).WithTimeout();
        var read = await fixture.Grants.GetAccessSchemeAsync(new GetAccessSchemeRequest { Id = created.Id }, fixture.Operator).WithTimeout();

        Assert.Equal(created, read);
        Assert.Equal(new[] { doorA.Id, doorB.Id }.Order(), read.DoorIds);
        Assert.Equal((input.GroupId, schedule.Id, true, From, To, "1"), (read.GroupId, read.ScheduleId, read.RequiresPin, read.ValidFrom, read.ValidTo, read.Etag));
        Assert.Equal(["create"], await fixture.AuditActionsAsync("AccessScheme", created.Id));
    }

    [Theory]
    [InlineData("door-other-site", "scheme.door_ids[1]: door")]
    [InlineData("door-unknown", "scheme.door_ids[1]: door")]
    [InlineData("door-twice", "scheme.door_ids[1]:")]
    [InlineData("door-malformed", "scheme.door_ids[1]: must be a UUID")]
    [InlineData("schedule-other-site", "scheme.schedule_id: schedule")]
    [InlineData("schedule-unknown", "scheme.schedule_id: schedule")]
    [InlineData("group-unknown", "scheme.group_id: group")]
    [InlineData("site-unknown", "scheme.site_id: site")]
    [InlineData("window", "scheme.valid_to: must be after scheme.valid_from")]
    [InlineData("name", "scheme.name: is required")]
    public async Task CreateAccessScheme_BadField_InvalidArgumentNamingItAndNothingWritten(string fault, string detail)
    {
        var (site, doorA, _, schedule) = await fixture.NewSiteWithDoorsAsync();
        var input = await SchemeAsync(site, schedule, doorA);
        switch (fault)
        {
            case "door-other-site": input.DoorIds.Add((await fixture.NewDoorAsync((await fixture.NewSiteAsync()).Id)).Id); break;
            case "door-unknown": input.DoorIds.Add(Guid.NewGuid().ToString()); break;
            case "door-twice": input.DoorIds.Add(doorA.Id); break;
            case "door-malformed": input.DoorIds.Add("door-2"); break;
            case "schedule-other-site": input.ScheduleId = (await fixture.NewScheduleAsync((await fixture.NewSiteAsync()).Id)).Id; break;
            case "schedule-unknown": input.ScheduleId = Guid.NewGuid().ToString(); break;
            case "group-unknown": input.GroupId = Guid.NewGuid().ToString(); break;
            case "site-unknown": input.SiteId = Guid.NewGuid().ToString(); break;
            case "window": (input.ValidFrom, input.ValidTo) = (To, From); break;
            case "name": input.Name = "\t"; break;
        }

        await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = input }, fixture.Admin).FailsWith(StatusCode.InvalidArgument, detail);
        Assert.Equal(0, await fixture.CountAsync<Stored.AccessScheme>(s => s.SiteId == Guid.Parse(site.Id)));
        Assert.Equal(0, await fixture.CountAsync<Stored.AccessSchemeDoor>(d => d.DoorId == Guid.Parse(doorA.Id)));
    }

    [Fact]
    public async Task CreateAccessScheme_DuplicateNameOnSite_AlreadyExists()
    {
        var (site, doorA, _, schedule) = await fixture.NewSiteWithDoorsAsync();
        var input = await SchemeAsync(site, schedule, doorA);
        await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = input }, fixture.Admin).WithTimeout();

        await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = input }, fixture.Admin).FailsWith(StatusCode.AlreadyExists, input.Name);
    }

    [Fact]
    public async Task CreateAccessScheme_SameRequestIdTwice_OneSchemeAndOtherBodyRefused()
    {
        var (site, doorA, _, schedule) = await fixture.NewSiteWithDoorsAsync();
        var request = new CreateAccessSchemeRequest { RequestId = "scheme-" + Guid.NewGuid(), Scheme = await SchemeAsync(site, schedule, doorA) };

        var first = await fixture.Grants.CreateAccessSchemeAsync(request, fixture.Admin).WithTimeout();
        var second = await fixture.Grants.CreateAccessSchemeAsync(request, fixture.Admin).WithTimeout();
        request.Scheme.RequiresPin = true;
        await fixture.Grants.CreateAccessSchemeAsync(request, fixture.Admin).FailsWith(StatusCode.AlreadyExists, "request_id");

        Assert.Equal(first, second);
        Assert.Equal(1, await fixture.CountAsync<Stored.AccessScheme>(s => s.SiteId == Guid.Parse(site.Id)));
    }

    [Fact]
    public async Task UpdateAccessScheme_NewDoorSet_ReplacesRowsMovesEtagAndAudits()
    {
        var (site, doorA, doorB, schedule) = await fixture.NewSiteWithDoorsAsync();
        var scheme = await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = await SchemeAsync(site, schedule, doorA) }, fixture.Admin).WithTimeout();
        var change = scheme.Clone();
        change.DoorIds.Clear();
        change.DoorIds.Add(doorB.Id);

        var moved = await fixture.Grants.UpdateAccessSchemeAsync(new UpdateAccessSchemeRequest { Scheme = change }, fixture.Admin).WithTimeout();
        change.Etag = moved.Etag;
        change.Name = AdminFixture.Unique("Renamed");
        var renamed = await fixture.Grants.UpdateAccessSchemeAsync(new UpdateAccessSchemeRequest { Scheme = change }, fixture.Admin).WithTimeout();

        Assert.Equal([doorB.Id], moved.DoorIds);
        Assert.NotEqual(scheme.Etag, moved.Etag);
        Assert.NotEqual(moved.Etag, renamed.Etag);
        Assert.Equal(renamed, await fixture.Grants.GetAccessSchemeAsync(new GetAccessSchemeRequest { Id = scheme.Id }, fixture.Admin).WithTimeout());
        Assert.Equal(0, await fixture.CountAsync<Stored.AccessSchemeDoor>(d => d.DoorId == Guid.Parse(doorA.Id)));
        Assert.Equal(["create", "delete"], await fixture.AuditActionsAsync("AccessSchemeDoor", $"{scheme.Id}/{doorA.Id}"));
        Assert.Equal(["create", "update"], await fixture.AuditActionsAsync("AccessScheme", scheme.Id));
    }

    [Fact]
    public async Task UpdateAccessScheme_StaleEtag_FailedPreconditionAndDoorsKept()
    {
        var (site, doorA, doorB, schedule) = await fixture.NewSiteWithDoorsAsync();
        var scheme = await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = await SchemeAsync(site, schedule, doorA) }, fixture.Admin).WithTimeout();
        var current = await fixture.Grants.UpdateAccessSchemeAsync(new UpdateAccessSchemeRequest { Scheme = new AccessScheme(scheme) { RequiresPin = true } }, fixture.Admin).WithTimeout();
        var stale = scheme.Clone();
        stale.DoorIds.Add(doorB.Id);

        await fixture.Grants.UpdateAccessSchemeAsync(new UpdateAccessSchemeRequest { Scheme = stale }, fixture.Admin).FailsWith(StatusCode.FailedPrecondition, "etag");

        Assert.Equal(current, await fixture.Grants.GetAccessSchemeAsync(new GetAccessSchemeRequest { Id = scheme.Id }, fixture.Admin).WithTimeout());
        Assert.Equal(0, await fixture.CountAsync<Stored.AccessSchemeDoor>(d => d.DoorId == Guid.Parse(doorB.Id)));
    }

    [Fact]
    public async Task UpdateAccessScheme_OtherSite_InvalidArgument()
    {
        var (site, doorA, _, schedule) = await fixture.NewSiteWithDoorsAsync();
        var scheme = await fixture.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = await SchemeAsync(site, schedule, doorA) }, fixture.Admin).WithTimeout();

        await fixture.Grants.UpdateAccessSchemeAsync(new UpdateAccessSchemeRequest { Scheme = new AccessScheme(scheme) { SiteId = (await fixture.NewSiteAsync()).Id } }, fixture.Admin)
            .FailsWith(StatusCode.InvalidArgument, "scheme.site_id: cannot be changed");
    }

    private async Task<AccessScheme> SchemeAsync(Site site, Schedule schedule, params Door[] doors)
    {
        var scheme = new AccessScheme { SiteId = site.Id, GroupId = (await fixture.NewGroupAsync()).ToString(), ScheduleId = schedule.Id, Name = AdminFixture.Unique("Scheme") };
        scheme.DoorIds.AddRange(doors.Select(d => d.Id));
        return scheme;
    }
}
