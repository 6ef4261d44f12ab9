using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Protos.V1;
using Microsoft.Extensions.DependencyInjection;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin;

public sealed partial class AdminFixture
{
    /// <summary>A name no other test uses, e.g. <c>Door 3f2a9c1b</c>.</summary>
    public static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>Monday to Friday 08:00-18:00.</summary>
    public static Schedule OfficeHours(string siteId, string name)
    {
        var schedule = new Schedule { SiteId = siteId, Name = name };
        for (var day = 1; day <= 5; day++)
        {
            schedule.Weekly.Add(new WeeklyInterval { Day = day, StartMinute = 8 * 60, EndMinute = 18 * 60 });
        }

        return schedule;
    }

    /// <summary>Creates a site (Europe/Berlin) as admin.</summary>
    public Task<Site> NewSiteAsync(string? name = null) =>
        Sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = name ?? Unique("Site"), TimeZone = "Europe/Berlin" } }, Admin).WithTimeout();

    /// <summary>Creates an entry door on <paramref name="siteId"/> as admin.</summary>
    public Task<Door> NewDoorAsync(string siteId, string? name = null) =>
        Sites.CreateDoorAsync(new CreateDoorRequest { Door = new Door { SiteId = siteId, Name = name ?? Unique("Door") } }, Admin).WithTimeout();

    /// <summary>Creates an office-hours schedule on <paramref name="siteId"/> as admin.</summary>
    public Task<Schedule> NewScheduleAsync(string siteId, string? name = null) =>
        Schedules.CreateScheduleAsync(new CreateScheduleRequest { Schedule = OfficeHours(siteId, name ?? Unique("Schedule")) }, Admin).WithTimeout();

    /// <summary>Creates a holiday calendar with Christmas 2026 on <paramref name="siteId"/> as admin.</summary>
    public Task<HolidayCalendar> NewCalendarAsync(string siteId, string? name = null)
    {
        var calendar = new HolidayCalendar { SiteId = siteId, Name = name ?? Unique("Calendar") };
        calendar.Holidays.Add(new Holiday { Date = "2026-12-25", Name = "Christmas Day" });
        return Schedules.CreateHolidayCalendarAsync(new CreateHolidayCalendarRequest { Calendar = calendar }, Admin).WithTimeout();
    }

    /// <summary>A person, written straight to the database (people have their own admin API).</summary>
    public async Task<Guid> NewPersonAsync()
    {
        var now = TimeProvider.System.GetUtcNow();
        var person = new Stored.Person { Id = Guid.CreateVersion7(), DisplayName = Unique("Person"), CreatedAt = now, UpdatedAt = now };
        await SaveAsync(db => db.People.Add(person));
        return person.Id;
    }

    /// <summary>A group, written straight to the database (groups have their own admin API).</summary>
    public async Task<Guid> NewGroupAsync()
    {
        var now = TimeProvider.System.GetUtcNow();
        var group = new Stored.Group { Id = Guid.CreateVersion7(), Name = Unique("Group"), CreatedAt = now, UpdatedAt = now };
        await SaveAsync(db => db.Groups.Add(group));
        return group.Id;
    }

    /// <summary>A site with two doors and a schedule, for schemes and grants.</summary>
    public async Task<(Site Site, Door DoorA, Door DoorB, Schedule Schedule)> NewSiteWithDoorsAsync()
    {
        var site = await NewSiteAsync();
        var doorA = await NewDoorAsync(site.Id);
        var doorB = await NewDoorAsync(site.Id);
        var schedule = await NewScheduleAsync(site.Id);
        return (site, doorA, doorB, schedule);
    }

    private async Task SaveAsync(Action<HubDbContext> change)
    {
        await using var scope = CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        change(db);
        await db.SaveChangesAsync().WithTimeout();
    }
}
