using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin;

public sealed partial class SchedulesTests
{
    [Fact]
    public async Task CreateHolidayCalendar_ThenGet_HolidaysByDate()
    {
        var site = await fixture.NewSiteAsync();
        var input = new HolidayCalendar { SiteId = site.Id, Name = "Germany 2026" };
        input.Holidays.Add(new Holiday { Date = "2026-12-25", Name = "Christmas Day" });
        input.Holidays.Add(new Holiday { Date = "2026-01-01", Name = "New Year" });

        var created = await fixture.Schedules.CreateHolidayCalendarAsync(new CreateHolidayCalendarRequest { Calendar = input }, fixture.Admin).WithTimeout();
        var read = await fixture.Schedules.GetHolidayCalendarAsync(new GetHolidayCalendarRequest { Id = created.Id }, fixture.Auditor).WithTimeout();

        Assert.Equal(created, read);
        Assert.Equal(["2026-01-01 New Year", "2026-12-25 Christmas Day"], read.Holidays.Select(h => $"{h.Date} {h.Name}"));
        // The calendar and each holiday row are audited, all in the one change.
        var audit = await fixture.QueryAsync(db => db.AuditEntries.Where(a => a.EntityId.StartsWith(created.Id)).Select(a => a.EntityType + " " + a.Action).ToListAsync());
        Assert.Equal(["HolidayCalendar create", "HolidayEntry create", "HolidayEntry create"], audit.Order());
    }

    [Theory]
    [InlineData("2026-12-25", "X", "2026-12-25", "Y", "calendar.holidays[1].date: duplicate date 2026-12-25")]
    [InlineData("25.12.2026", "X", "2026-12-26", "Y", "calendar.holidays[0].date: \"25.12.2026\" is not a date (yyyy-MM-dd)")]
    [InlineData("", "X", "2026-12-26", "Y", "calendar.holidays[0].date: is required")]
    [InlineData("2026-12-25", "X", "2026-12-26", "", "calendar.holidays[1].name: is required")]
    public async Task CreateHolidayCalendar_BadHoliday_InvalidArgumentNamingIt(string date0, string name0, string date1, string name1, string detail)
    {
        var site = await fixture.NewSiteAsync();
        var input = new HolidayCalendar { SiteId = site.Id, Name = "Bad" };
        input.Holidays.Add(new Holiday { Date = date0, Name = name0 });
        input.Holidays.Add(new Holiday { Date = date1, Name = name1 });

        await fixture.Schedules.CreateHolidayCalendarAsync(new CreateHolidayCalendarRequest { Calendar = input }, fixture.Admin).FailsWith(StatusCode.InvalidArgument, detail);
        Assert.Equal(0, await fixture.CountAsync<Stored.HolidayCalendar>(c => c.SiteId == Guid.Parse(site.Id)));
    }

    [Fact]
    public async Task CreateHolidayCalendar_DuplicateNameOnSite_AlreadyExists()
    {
        var site = await fixture.NewSiteAsync();
        await fixture.NewCalendarAsync(site.Id, "Public holidays");

        await fixture.Schedules.CreateHolidayCalendarAsync(new CreateHolidayCalendarRequest { Calendar = new HolidayCalendar { SiteId = site.Id, Name = "Public holidays" } }, fixture.Admin)
            .FailsWith(StatusCode.AlreadyExists, "Public holidays");
    }

    [Fact]
    public async Task UpdateHolidayCalendar_NewHolidays_ReplacesThemAndMovesEtag()
    {
        var site = await fixture.NewSiteAsync();
        var calendar = await fixture.NewCalendarAsync(site.Id);
        var change = calendar.Clone();
        change.Holidays.Clear();
        change.Holidays.Add(new Holiday { Date = "2026-12-26", Name = "Boxing Day" });
        change.Holidays.Add(new Holiday { Date = "2026-12-25", Name = "Christmas" });

        var updated = await fixture.Schedules.UpdateHolidayCalendarAsync(new UpdateHolidayCalendarRequest { Calendar = change }, fixture.Admin).WithTimeout();

        Assert.Equal(["2026-12-25 Christmas", "2026-12-26 Boxing Day"], updated.Holidays.Select(h => $"{h.Date} {h.Name}"));
        Assert.NotEqual(calendar.Etag, updated.Etag);
        Assert.Equal(updated, await fixture.Schedules.GetHolidayCalendarAsync(new GetHolidayCalendarRequest { Id = calendar.Id }, fixture.Admin).WithTimeout());
        Assert.Equal(2, await fixture.CountAsync<Stored.HolidayEntry>(h => h.CalendarId == Guid.Parse(calendar.Id)));

        change.Holidays.Clear();
        await fixture.Schedules.UpdateHolidayCalendarAsync(new UpdateHolidayCalendarRequest { Calendar = change }, fixture.Admin).FailsWith(StatusCode.FailedPrecondition, "etag");
        Assert.Equal(2, await fixture.CountAsync<Stored.HolidayEntry>(h => h.CalendarId == Guid.Parse(calendar.Id)));
    }

    [Fact]
    public async Task ListHolidayCalendars_BySiteAcrossPages_ReturnsEachOnce()
    {
        var site = await fixture.NewSiteAsync();
        var wanted = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            wanted.Add((await fixture.NewCalendarAsync(site.Id)).Id);
        }

        await fixture.NewCalendarAsync((await fixture.NewSiteAsync()).Id);

        var first = await fixture.Schedules.ListHolidayCalendarsAsync(new ListHolidayCalendarsRequest { SiteId = site.Id, PageSize = 2 }, fixture.Auditor).WithTimeout();
        var second = await fixture.Schedules.ListHolidayCalendarsAsync(new ListHolidayCalendarsRequest { SiteId = site.Id, PageSize = 2, PageToken = first.NextPageToken }, fixture.Auditor).WithTimeout();

        Assert.Equal(wanted, first.Calendars.Concat(second.Calendars).Select(c => c.Id));
        Assert.All(first.Calendars, c => Assert.Single(c.Holidays));
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task DeleteHolidayCalendar_HonouredBySchedule_FailedPreconditionThenDeletableOnceUnlinked()
    {
        var site = await fixture.NewSiteAsync();
        var calendar = await fixture.NewCalendarAsync(site.Id);
        var input = AdminFixture.OfficeHours(site.Id, "Honours");
        input.CalendarIds.Add(calendar.Id);
        var schedule = await fixture.Schedules.CreateScheduleAsync(new CreateScheduleRequest { Schedule = input }, fixture.Admin).WithTimeout();

        await fixture.Schedules.DeleteHolidayCalendarAsync(new DeleteHolidayCalendarRequest { Id = calendar.Id }, fixture.Admin)
            .FailsWith(StatusCode.FailedPrecondition, "1 schedules (\"Honours\")");
        Assert.Equal(calendar, await fixture.Schedules.GetHolidayCalendarAsync(new GetHolidayCalendarRequest { Id = calendar.Id }, fixture.Admin).WithTimeout());

        schedule.CalendarIds.Clear();
        await fixture.Schedules.UpdateScheduleAsync(new UpdateScheduleRequest { Schedule = schedule }, fixture.Admin).WithTimeout();
        await fixture.Schedules.DeleteHolidayCalendarAsync(new DeleteHolidayCalendarRequest { Id = calendar.Id, Etag = calendar.Etag }, fixture.Admin).WithTimeout();

        Assert.Equal(0, await fixture.CountAsync<Stored.HolidayEntry>(h => h.CalendarId == Guid.Parse(calendar.Id)));
    }
}
