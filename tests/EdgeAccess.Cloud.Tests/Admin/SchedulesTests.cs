using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin;

/// <summary><c>edgeaccess.v1.ScheduleService</c> over real gRPC: schedules and holiday calendars.</summary>
public sealed partial class SchedulesTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    [Fact]
    public async Task CreateSchedule_Full_GetReturnsIntervalsSpecialDaysAndCalendars()
    {
        var site = await fixture.NewSiteAsync();
        var calendar = await fixture.NewCalendarAsync(site.Id);
        var input = AdminFixture.OfficeHours(site.Id, "Shifts");
        input.Weekly.Add(new WeeklyInterval { Day = 5, StartMinute = 22 * 60, EndMinute = 6 * 60 });
        input.HolidayIntervals.Add(new DayInterval { StartMinute = 10 * 60, EndMinute = 12 * 60 });
        var eve = new SpecialDay { Date = "2026-12-24", Name = "Christmas Eve" };
        eve.Intervals.Add(new DayInterval { StartMinute = 8 * 60, EndMinute = 12 * 60 });
        input.SpecialDays.Add(eve);
        input.SpecialDays.Add(new SpecialDay { Date = "2026-12-31" });
        input.CalendarIds.Add(calendar.Id);

        var created = await fixture.Schedules.CreateScheduleAsync(new CreateScheduleRequest { Schedule = input }, fixture.Admin).WithTimeout();
        var read = await fixture.Schedules.GetScheduleAsync(new GetScheduleRequest { Id = created.Id }, fixture.Auditor).WithTimeout();

        Assert.Equal(created, read);
        Assert.Equal(input.Weekly, read.Weekly);
        Assert.Equal(input.HolidayIntervals, read.HolidayIntervals);
        Assert.Equal(input.SpecialDays, read.SpecialDays);
        Assert.Equal([calendar.Id], read.CalendarIds);
        Assert.Equal(("Shifts", site.Id, false, "1"), (read.Name, read.SiteId, read.IgnoresHolidays, read.Etag));
    }

    [Theory]
    [InlineData("weekly-end", "schedule.weekly[1].end_minute: must be in (0, 1440]")]
    [InlineData("weekly-day", "schedule.weekly[0].day: must be a day of the week")]
    [InlineData("holiday-start", "schedule.holiday_intervals[0].start_minute: must be in [0, 1440)")]
    [InlineData("special-date", "schedule.special_days[0].date: \"2026-02-30\" is not a date (yyyy-MM-dd)")]
    [InlineData("special-twice", "schedule.special_days[1].date: duplicate date 2026-12-24")]
    [InlineData("special-interval", "schedule.special_days[0].intervals[0].end_minute: must be in (0, 1440]")]
    [InlineData("name", "schedule.name: is required")]
    [InlineData("calendar-id", "schedule.calendar_ids[0]: must be a UUID")]
    [InlineData("calendar-unknown", "schedule.calendar_ids[0]: holiday calendar")]
    [InlineData("calendar-other-site", "belongs to another site")]
    [InlineData("site", "schedule.site_id: site")]
    public async Task CreateSchedule_BadField_InvalidArgumentNamingPathAndNothingWritten(string fault, string detail)
    {
        var site = await fixture.NewSiteAsync();
        var other = await fixture.NewSiteAsync();
        var input = AdminFixture.OfficeHours(site.Id, AdminFixture.Unique("Bad"));
        var special = new SpecialDay { Date = "2026-12-24" };
        switch (fault)
        {
            case "weekly-end": input.Weekly[1].EndMinute = 1500; break;
            case "weekly-day": input.Weekly[0].Day = 0; break;
            case "holiday-start": input.HolidayIntervals.Add(new DayInterval { StartMinute = -1, EndMinute = 60 }); break;
            case "special-date": input.SpecialDays.Add(new SpecialDay { Date = "2026-02-30" }); break;
            case "special-twice": input.SpecialDays.Add(special); input.SpecialDays.Add(special.Clone()); break;
            case "special-interval": special.Intervals.Add(new DayInterval { StartMinute = 0, EndMinute = 0 }); input.SpecialDays.Add(special); break;
            case "name": input.Name = ""; break;
            case "calendar-id": input.CalendarIds.Add("cal-1"); break;
            case "calendar-unknown": input.CalendarIds.Add(Guid.NewGuid().ToString()); break;
            case "calendar-other-site": input.CalendarIds.Add((await fixture.NewCalendarAsync(other.Id)).Id); break;
            case "site": input.SiteId = Guid.NewGuid().ToString(); break;
        }

        await fixture.Schedules.CreateScheduleAsync(new CreateScheduleRequest { Schedule = input }, fixture.Admin).FailsWith(StatusCode.InvalidArgument, detail);
        Assert.Equal(0, await fixture.CountAsync<Stored.Schedule>(s => s.SiteId == Guid.Parse(site.Id)));
    }

    [Fact]
    public async Task CreateSchedule_SeveralBadIntervals_ReportsEveryPath()
    {
        var site = await fixture.NewSiteAsync();
        var input = AdminFixture.OfficeHours(site.Id, "Broken");
        input.Weekly[0].StartMinute = 1440;
        input.Weekly[2].EndMinute = 0;

        var error = await fixture.Schedules.CreateScheduleAsync(new CreateScheduleRequest { Schedule = input }, fixture.Admin).FailsWith(StatusCode.InvalidArgument);

        Assert.Equal("schedule.weekly[0].start_minute: must be in [0, 1440); schedule.weekly[2].end_minute: must be in (0, 1440]", error.Status.Detail);
    }

    [Fact]
    public async Task CreateSchedule_DuplicateNameOnSite_AlreadyExists()
    {
        var site = await fixture.NewSiteAsync();
        await fixture.NewScheduleAsync(site.Id, "Office");

        await fixture.Schedules.CreateScheduleAsync(new CreateScheduleRequest { Schedule = AdminFixture.OfficeHours(site.Id, "Office") }, fixture.Admin)
            .FailsWith(StatusCode.AlreadyExists, "\"Office\"");
    }

    [Fact]
    public async Task CreateSchedule_SameRequestId_SameScheduleOnceAndOtherBodyRefused()
    {
        var site = await fixture.NewSiteAsync();
        var request = new CreateScheduleRequest { RequestId = Guid.NewGuid().ToString("N"), Schedule = AdminFixture.OfficeHours(site.Id, "Cleaning") };

        var first = await fixture.Schedules.CreateScheduleAsync(request, fixture.Admin).WithTimeout();
        var second = await fixture.Schedules.CreateScheduleAsync(request, fixture.Admin).WithTimeout();
        request.Schedule.Name = "Cleaning 2";
        await fixture.Schedules.CreateScheduleAsync(request, fixture.Admin).FailsWith(StatusCode.AlreadyExists, "request_id");

        Assert.Equal(first, second);
        Assert.Equal(1, await fixture.CountAsync<Stored.Schedule>(s => s.SiteId == Guid.Parse(site.Id)));
    }
}
