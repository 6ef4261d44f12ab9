using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin;

public sealed partial class SchedulesTests
{
    [Fact]
    public async Task ListSchedules_BySiteAcrossPages_ReturnsEachOnce()
    {
        var site = await fixture.NewSiteAsync();
        var other = await fixture.NewSiteAsync();
        var wanted = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            wanted.Add((await fixture.NewScheduleAsync(site.Id)).Id);
        }

        await fixture.NewScheduleAsync(other.Id);

        var first = await fixture.Schedules.ListSchedulesAsync(new ListSchedulesRequest { SiteId = site.Id, PageSize = 2 }, fixture.Operator).WithTimeout();
        var second = await fixture.Schedules.ListSchedulesAsync(new ListSchedulesRequest { SiteId = site.Id, PageSize = 2, PageToken = first.NextPageToken }, fixture.Operator).WithTimeout();

        Assert.Equal(wanted, first.Schedules.Concat(second.Schedules).Select(s => s.Id));
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task UpdateSchedule_OnlyCalendarLinksChange_ReplacesLinksAndMovesEtag()
    {
        var site = await fixture.NewSiteAsync();
        var calendarA = await fixture.NewCalendarAsync(site.Id);
        var calendarB = await fixture.NewCalendarAsync(site.Id);
        var input = AdminFixture.OfficeHours(site.Id, "Linked");
        input.CalendarIds.Add(calendarA.Id);
        var schedule = await fixture.Schedules.CreateScheduleAsync(new CreateScheduleRequest { Schedule = input }, fixture.Admin).WithTimeout();

        var change = schedule.Clone();
        change.CalendarIds.Clear();
        change.CalendarIds.Add(calendarB.Id);
        var updated = await fixture.Schedules.UpdateScheduleAsync(new UpdateScheduleRequest { Schedule = change }, fixture.Admin).WithTimeout();

        Assert.Equal([calendarB.Id], updated.CalendarIds);
        Assert.NotEqual(schedule.Etag, updated.Etag);
        Assert.Equal(updated, await fixture.Schedules.GetScheduleAsync(new GetScheduleRequest { Id = schedule.Id }, fixture.Admin).WithTimeout());
        Assert.Equal(0, await fixture.CountAsync<Stored.ScheduleCalendar>(l => l.CalendarId == Guid.Parse(calendarA.Id)));
    }

    [Fact]
    public async Task UpdateSchedule_SameContent_KeepsEtag()
    {
        var site = await fixture.NewSiteAsync();
        var schedule = await fixture.NewScheduleAsync(site.Id);

        var same = await fixture.Schedules.UpdateScheduleAsync(new UpdateScheduleRequest { Schedule = schedule }, fixture.Admin).WithTimeout();

        Assert.Equal(schedule, same);
    }

    [Fact]
    public async Task UpdateSchedule_NewIntervalsWithStaleEtag_FailedPreconditionAndUnchanged()
    {
        var site = await fixture.NewSiteAsync();
        var schedule = await fixture.NewScheduleAsync(site.Id);
        var change = schedule.Clone();
        change.Weekly.RemoveAt(0);
        change.IgnoresHolidays = true;
        var updated = await fixture.Schedules.UpdateScheduleAsync(new UpdateScheduleRequest { Schedule = change }, fixture.Admin).WithTimeout();

        change.Weekly.Clear();
        await fixture.Schedules.UpdateScheduleAsync(new UpdateScheduleRequest { Schedule = change }, fixture.Admin).FailsWith(StatusCode.FailedPrecondition, "etag");

        Assert.Equal(4, updated.Weekly.Count);
        Assert.True(updated.IgnoresHolidays);
        Assert.Equal(updated, await fixture.Schedules.GetScheduleAsync(new GetScheduleRequest { Id = schedule.Id }, fixture.Admin).WithTimeout());
        Assert.Equal(["create", "update"], await fixture.AuditActionsAsync("Schedule", schedule.Id));
    }

    [Fact]
    public async Task DeleteSchedule_UsedByGrant_FailedPreconditionThenDeletableOnceFree()
    {
        var (_, door, _, schedule) = await fixture.NewSiteWithDoorsAsync();
        var grant = await fixture.Grants.CreateDirectGrantAsync(
            new CreateDirectGrantRequest { Grant = new DirectGrant { PersonId = (await fixture.NewPersonAsync()).ToString(), DoorId = door.Id, ScheduleId = schedule.Id } }, fixture.Admin).WithTimeout();

        await fixture.Schedules.DeleteScheduleAsync(new DeleteScheduleRequest { Id = schedule.Id }, fixture.Admin).FailsWith(StatusCode.FailedPrecondition, "1 direct grants");
        Assert.Equal(schedule, await fixture.Schedules.GetScheduleAsync(new GetScheduleRequest { Id = schedule.Id }, fixture.Admin).WithTimeout());

        await fixture.Grants.DeleteDirectGrantAsync(new DeleteDirectGrantRequest { Id = grant.Id }, fixture.Admin).WithTimeout();
        await fixture.Schedules.DeleteScheduleAsync(new DeleteScheduleRequest { Id = schedule.Id, Etag = schedule.Etag }, fixture.Admin).WithTimeout();
        await fixture.Schedules.GetScheduleAsync(new GetScheduleRequest { Id = schedule.Id }, fixture.Admin).FailsWith(StatusCode.NotFound);
    }

    [Fact]
    public async Task CreateSchedule_AsOperator_PermissionDeniedButListAllowed()
    {
        var site = await fixture.NewSiteAsync();

        await fixture.Schedules.CreateScheduleAsync(new CreateScheduleRequest { Schedule = AdminFixture.OfficeHours(site.Id, "Ops") }, fixture.Operator)
            .FailsWith(StatusCode.PermissionDenied);
        var listed = await fixture.Schedules.ListSchedulesAsync(new ListSchedulesRequest { SiteId = site.Id }, fixture.Operator).WithTimeout();

        Assert.Empty(listed.Schedules);
    }
}
