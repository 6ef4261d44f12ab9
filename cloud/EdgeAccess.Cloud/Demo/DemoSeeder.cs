using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Cards;
using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Schedules;
using HolidayCalendar = EdgeAccess.Cloud.Data.Entities.HolidayCalendar;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace EdgeAccess.Cloud.Demo;

/// <summary>
/// Seeds a small demo campus on an empty hub when <c>EdgeAccess:Demo:Seed</c> is true (deploy/local/up.sh
/// sets it), so a new user sees doors, schedules, nested groups, people and cards at once. The
/// demo card numbers are public (README); never enable this on a real deployment.
/// </summary>
public sealed partial class DemoSeeder(IServiceProvider services, IConfiguration configuration, ILogger<DemoSeeder> logger) : IHostedService
{
    /// <summary>The demo cards: number, holder, PIN (or null).</summary>
    public static readonly (string Number, string Holder, string? Pin)[] Cards =
    [
        ("04A1B2C3D4", "Ada Lovelace", null),
        ("04A1B2C3D5", "Ben Carter", "4711"),
        ("04A1B2C3D6", "Cleo Park", null),
    ];

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue<bool>("EdgeAccess:Demo:Seed"))
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        if (await db.Sites.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var hasher = scope.ServiceProvider.GetRequiredService<CardNumberHasher>();
        Seed(db, hasher);
        await scope.ServiceProvider.GetRequiredService<HubChanges>().SaveAsync(db, new ChangeActor(null, "demo-seeder"), cancellationToken).ConfigureAwait(false);
        LogSeeded(logger);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Seed(HubDbContext db, CardNumberHasher hasher)
    {
        var site = new Site { Id = Guid.CreateVersion7(), Name = "Demo Campus", TimeZone = "Europe/Berlin" };
        var main = Door(site, "Main entrance", DoorDirection.Both);
        var lab1 = Door(site, "Lab 1 (spectroscopy)", DoorDirection.Entry);
        var lab2 = Door(site, "Lab 2 (clean room)", DoorDirection.Entry, requiresPin: true);
        var server = Door(site, "Server room", DoorDirection.Entry);
        db.AddRange(site, main, lab1, lab2, server);

        var holidays = new HolidayCalendar { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = "Berlin public holidays" };
        foreach (var (date, name) in new[] { ("2026-12-25", "Christmas Day"), ("2026-12-26", "Boxing Day"), ("2027-01-01", "New Year's Day") })
        {
            holidays.Holidays.Add(new HolidayEntry { CalendarId = holidays.Id, Date = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), Name = name });
        }

        var always = Schedule(site, "Always", Enumerable.Range(1, 7).Select(d => new WeeklyInterval((IsoDayOfWeek)d, 0, 1440)), ignoresHolidays: true);
        var office = Schedule(site, "Office hours", Enumerable.Range(1, 5).Select(d => new WeeklyInterval((IsoDayOfWeek)d, 7 * 60, 19 * 60)));
        var night = Schedule(site, "Night shift", Enumerable.Range(1, 7).Select(d => new WeeklyInterval((IsoDayOfWeek)d, 22 * 60, 6 * 60)));
        office.Calendars.Add(new ScheduleCalendar { ScheduleId = office.Id, CalendarId = holidays.Id });
        db.AddRange(holidays, always, office, night);

        var staff = new Group { Id = Guid.CreateVersion7(), Name = "Staff", Description = "Everyone employed on the campus" };
        var chemistry = new Group { Id = Guid.CreateVersion7(), Name = "Chemistry", Description = "Chemistry department" };
        var trained = new Group { Id = Guid.CreateVersion7(), Name = "Clean-room trained", Description = "Passed the clean-room course" };
        var it = new Group { Id = Guid.CreateVersion7(), Name = "IT operations" };
        db.AddRange(staff, chemistry, trained, it);
        db.AddRange(new GroupNesting { ParentId = staff.Id, ChildId = chemistry.Id }, new GroupNesting { ParentId = chemistry.Id, ChildId = trained.Id },
            new GroupNesting { ParentId = staff.Id, ChildId = it.Id });

        db.AddRange(
            Scheme(site, staff, office, "Staff: main entrance in office hours", main),
            Scheme(site, chemistry, office, "Chemistry: lab 1 in office hours", lab1),
            Scheme(site, trained, office, "Trained: clean room in office hours", lab2),
            Scheme(site, it, always, "IT: server room and entrance, always", server, main));

        var groupsOf = new Dictionary<string, Group[]>
        {
            ["Ada Lovelace"] = [trained],
            ["Ben Carter"] = [chemistry],
            ["Cleo Park"] = [it],
        };
        foreach (var (number, holder, pin) in Cards)
        {
            var person = new Person { Id = Guid.CreateVersion7(), DisplayName = holder, Email = holder.Split(' ')[0].ToLowerInvariant() + "@demo.edgeaccess.local" };
            CardNumberHasher.TryNormalize(number, out var normalized);
            var card = new Card
            {
                Id = Guid.CreateVersion7(),
                PersonId = person.Id,
                NumberHash = hasher.Hash(normalized),
                LastDigits = CardNumberHasher.LastDigits(normalized),
                Status = CardStatus.Active,
            };
            if (pin is not null)
            {
                card.PinHash = new PasswordHasher<Card>().HashPassword(card, pin);
            }

            db.AddRange(person, card);
            db.AddRange(groupsOf[holder].Select(g => new Membership { Id = Guid.CreateVersion7(), PersonId = person.Id, GroupId = g.Id, RoleTitle = "demo" }));
        }
    }

    private static Door Door(Site site, string name, DoorDirection direction, bool requiresPin = false) =>
        new() { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = name, Direction = direction, RequiresPin = requiresPin };

    private static Schedule Schedule(Site site, string name, IEnumerable<WeeklyInterval> weekly, bool ignoresHolidays = false) =>
        new() { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = name, Definition = ScheduleJson.ToJson(weekly, [], []), IgnoresHolidays = ignoresHolidays };

    private static AccessScheme Scheme(Site site, Group group, Schedule schedule, string name, params Door[] doors)
    {
        var scheme = new AccessScheme { Id = Guid.CreateVersion7(), SiteId = site.Id, GroupId = group.Id, ScheduleId = schedule.Id, Name = name };
        scheme.Doors.AddRange(doors.Select(d => new AccessSchemeDoor { SchemeId = scheme.Id, DoorId = d.Id }));
        return scheme;
    }

    [LoggerMessage(3070, LogLevel.Information, "Seeded the demo campus (4 doors, 3 schedules, 4 nested groups, 3 people with cards)", EventName = "DemoSeeded")]
    private static partial void LogSeeded(ILogger logger);
}
