using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Schedules;
using Google.Protobuf.WellKnownTypes;
using NodaTime;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin;

public sealed partial class AccessTests
{
    /// <summary>Monday 30 March 2026 10:00 UTC: 12:00 in Berlin (summer time).</summary>
    private static readonly DateTimeOffset MondayNoon = new(2026, 3, 30, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The same Monday 21:30 UTC: 23:30 in Berlin.</summary>
    private static readonly DateTimeOffset MondayNight = MondayNoon.AddHours(11.5);

    /// <summary>What one test's model holds.</summary>
    private sealed record World(Stored.Door Door, Stored.Door PinDoor, Stored.Group Staff, Stored.Group Lab, List<Stored.Card> Cards, string Number);

    /// <summary>
    /// A Berlin site with a door and a PIN door opened by the "staff" group's office-hours scheme
    /// (Monday to Friday 08:00-18:00), "lab" nested in "staff", and <paramref name="members"/>
    /// people in "lab", each with a card; the first card has the number <see cref="World.Number"/>.
    /// </summary>
    private async Task<World> NewWorldAsync(int members = 1)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var site = new Stored.Site { Id = Guid.CreateVersion7(), Name = $"access-{tag}", TimeZone = "Europe/Berlin" };
        var door = new Stored.Door { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = "main" };
        var pinDoor = new Stored.Door { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = "vault", RequiresPin = true };
        var office = new Stored.Schedule
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            Name = "office hours",
            Definition = ScheduleJson.ToJson(Enumerable.Range(1, 5).Select(d => new WeeklyInterval((IsoDayOfWeek)d, 8 * 60, 18 * 60)), [], []),
        };
        var staff = new Stored.Group { Id = Guid.CreateVersion7(), Name = $"staff-{tag}" };
        var lab = new Stored.Group { Id = Guid.CreateVersion7(), Name = $"lab-{tag}" };
        var scheme = new Stored.AccessScheme { Id = Guid.CreateVersion7(), SiteId = site.Id, GroupId = staff.Id, ScheduleId = office.Id, Name = "staff doors" };
        scheme.Doors.AddRange([new() { SchemeId = scheme.Id, DoorId = door.Id }, new() { SchemeId = scheme.Id, DoorId = pinDoor.Id }]);
        // The EF model has no navigations between these, so parents are saved before children.
        await _hub.SaveAsync(db => db.Add(site));
        await _hub.SaveAsync(db => db.AddRange(door, pinDoor, office, staff, lab));
        await _hub.SaveAsync(db => db.Add(scheme));
        await _hub.SaveAsync(db => db.GroupNestings.Add(new Stored.GroupNesting { ParentId = staff.Id, ChildId = lab.Id }));

        var number = "04 A1 " + tag.ToUpperInvariant();
        var cards = new List<Stored.Card>();
        for (var i = 0; i < members; i++)
        {
            var person = new Stored.Person { Id = Guid.CreateVersion7(), DisplayName = $"Member {i}" };
            var card = new Stored.Card
            {
                Id = Guid.CreateVersion7(),
                PersonId = person.Id,
                NumberHash = _hub.HashNumber(i == 0 ? number : $"{tag}{i:X4}"),
                LastDigits = i == 0 ? tag[^4..].ToUpperInvariant() : $"{i:X4}",
            };
            cards.Add(card);
            await _hub.SaveAsync(db => db.Add(person));
            await _hub.SaveAsync(db => db.AddRange(card, new Stored.Membership { Id = Guid.CreateVersion7(), PersonId = person.Id, GroupId = lab.Id, RoleTitle = "technician" }));
        }

        return new World(door, pinDoor, staff, lab, cards, number);
    }

    private static Timestamp Ts(DateTimeOffset time) => Timestamp.FromDateTimeOffset(time);
}
