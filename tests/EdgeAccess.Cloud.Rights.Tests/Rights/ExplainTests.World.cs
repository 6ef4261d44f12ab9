using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights.Explain;
using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Schedules;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using HolidayCalendar = EdgeAccess.Cloud.Data.Entities.HolidayCalendar;

namespace EdgeAccess.Cloud.Tests.Rights;

/// <summary>Model helpers for the explain tests beyond <see cref="RightsWorld"/>; every name is unique per database.</summary>
public sealed partial class ExplainTests : IAsyncLifetime
{
    /// <summary>Monday 30 March 2026, 00:00 UTC: the first Monday of summer time in Europe/Berlin (UTC+2).</summary>
    private static readonly DateTimeOffset Monday = new(2026, 3, 30, 0, 0, 0, TimeSpan.Zero);

    private readonly HubServices _services = new();
    private readonly AccessExplainer _explainer = new(NullLogger<AccessExplainer>.Instance);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(5));
    private RightsWorld _world = null!;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        _world = new RightsWorld(_services);
    }

    public async Task DisposeAsync()
    {
        _timeout.Dispose();
        await _services.DisposeAsync();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static Instant At(DateTimeOffset time) => Instant.FromDateTimeOffset(time);

    private async Task<AccessExplanation> ExplainAsync(Card card, Door door, DateTimeOffset at)
    {
        await using var db = _services.NewContext();
        var explanation = await _explainer.ExplainAsync(db, card.Id, door.Id, At(at), _timeout.Token).WithTimeout();
        return explanation ?? throw new InvalidOperationException("door not found");
    }

    private async Task<WhoCanOpenResult> WhoCanOpenAsync(Door door, DateTimeOffset at, bool includePin = false, int limit = 100, Guid? after = null)
    {
        await using var db = _services.NewContext();
        var result = await _explainer.WhoCanOpenAsync(db, door.Id, At(at), new WhoCanOpenQuery(after, limit, includePin), _timeout.Token).WithTimeout();
        return result ?? throw new InvalidOperationException("door not found");
    }

    /// <summary>A site with one door and a group whose scheme (on <paramref name="schedule"/>, or 24/7) opens it.</summary>
    private async Task<(Site Site, Door Door, Group Group, Schedule Schedule)> DoorOfGroupAsync(bool pinDoor = false, Func<Site, Task<Schedule>>? schedule = null)
    {
        var site = await _world.SiteAsync(Unique("site"));
        var door = await _world.DoorAsync(site, "door", pinDoor);
        var chosen = schedule is null ? await _world.ScheduleAsync(site, "always") : await schedule(site);
        var group = await _world.GroupAsync(Unique("group"));
        await _world.SchemeAsync(site, group, chosen, doors: door);
        return (site, door, group, chosen);
    }

    /// <summary>A person with one card, member of <paramref name="group"/>.</summary>
    private async Task<(Person Person, Card Card)> MemberWithCardAsync(Group group, CardStatus status = CardStatus.Active, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var person = await _world.PersonAsync(Unique("person"));
        var card = await _world.CardAsync(person, status);
        await _world.AddAsync(new Membership { Id = Guid.CreateVersion7(), PersonId = person.Id, GroupId = group.Id, RoleTitle = "member", ValidFrom = from, ValidTo = to });
        return (person, card);
    }

    /// <summary>Monday to Friday 08:00-18:00, honouring <paramref name="calendar"/> when given.</summary>
    private async Task<Schedule> OfficeHoursAsync(Site site, HolidayCalendar? calendar = null)
    {
        var schedule = new Schedule
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            Name = Unique("office"),
            Definition = ScheduleJson.ToJson(Enumerable.Range(1, 5).Select(d => new WeeklyInterval((IsoDayOfWeek)d, 8 * 60, 18 * 60)), [], []),
        };
        if (calendar is not null)
        {
            schedule.Calendars.Add(new ScheduleCalendar { ScheduleId = schedule.Id, CalendarId = calendar.Id });
        }

        return await _world.AddAsync(schedule);
    }

    /// <summary>A holiday calendar of <paramref name="site"/>.</summary>
    private Task<HolidayCalendar> CalendarAsync(Site site, params (DateOnly Date, string Name)[] holidays)
    {
        var calendar = new HolidayCalendar { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = Unique("calendar") };
        calendar.Holidays.AddRange(holidays.Select(h => new HolidayEntry { CalendarId = calendar.Id, Date = h.Date, Name = h.Name }));
        return _world.AddAsync(calendar);
    }

    /// <summary>A direct grant of <paramref name="door"/> to <paramref name="person"/>.</summary>
    private Task<DirectGrant> GrantAsync(Person person, Door door, Schedule schedule, bool pin = false, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        _world.AddAsync(new DirectGrant
        {
            Id = Guid.CreateVersion7(),
            PersonId = person.Id,
            DoorId = door.Id,
            ScheduleId = schedule.Id,
            RequiresPin = pin,
            ValidFrom = from,
            ValidTo = to,
            Reason = "night shift",
        });
}
