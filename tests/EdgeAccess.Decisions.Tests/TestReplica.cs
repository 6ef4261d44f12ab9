using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Identity;
using NodaTime;
using Duration = NodaTime.Duration;

namespace EdgeAccess.Decisions.Tests;

/// <summary>A small Berlin site: doors, schedules, cards and rights, plus helpers for instants and requests.</summary>
internal static class TestReplica
{
    public const string MainDoor = "door-main";
    public const string PinDoor = "door-lab";
    public const string Office = "11111111-1111-1111-1111-111111111111";
    public const string Night = "22222222-2222-2222-2222-222222222222";
    public const string Always = "33333333-3333-3333-3333-333333333333";
    public const string Missing = "99999999-9999-9999-9999-999999999999";
    public const string Pin = "2468";

    public static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    public static readonly CardHasher Hasher = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    public static readonly string PinHash = new PasswordHasher<object>().HashPassword(new object(), Pin);

    /// <summary>A Monday 10:00 in Berlin (office hours, not a holiday).</summary>
    public static readonly Instant MondayTen = Local(2026, 3, 30, 10, 0);

    public static Instant Local(int year, int month, int day, int hour, int minute) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneLeniently(Berlin).ToInstant();

    public static LinkState Online(Instant at) =>
        new(at - Duration.FromMinutes(1), at + Duration.FromHours(24), Duration.FromMinutes(10), DegradedPolicy.DenyAll);

    public static CardHash HashOf(string number) => Hasher.TryHash(number, out var hash) ? hash : throw new ArgumentException(number);

    public static DecisionRequest Tap(string number, Instant at, string door = MainDoor, string? pin = null, LinkState? link = null) =>
        new(door, HashOf(number), pin, at, link ?? Online(at));

    public static Timestamp Ts(Instant instant) => Timestamp.FromDateTimeOffset(instant.ToDateTimeOffset());

    public static CardRecord Card(string id, string number, CardStatus status = CardStatus.Active, Instant? from = null, Instant? to = null, string? pinHash = null, bool degraded = false)
    {
        var card = new CardRecord
        {
            Id = id, PersonId = "p-" + id, NumberHash = ByteString.CopyFrom(Hash(number)), Status = status,
            PinHash = pinHash ?? "", AllowWhenDegraded = degraded,
        };
        if (from is { } f)
        {
            card.ValidFrom = Ts(f);
        }

        if (to is { } t)
        {
            card.ValidTo = Ts(t);
        }

        return card;
    }

    public static RightTerm Term(string scheduleId, Instant? from = null, Instant? to = null, bool pin = false)
    {
        var term = new RightTerm { ScheduleId = scheduleId, RequiresPin = pin };
        if (from is { } f)
        {
            term.ValidFrom = Ts(f);
        }

        if (to is { } t)
        {
            term.ValidTo = Ts(t);
        }

        return term;
    }

    public static RightRecord Right(string cardId, string doorId, params RightTerm[] terms)
    {
        var right = new RightRecord { CardId = cardId, DoorId = doorId, PersonId = "p-" + cardId };
        right.Terms.AddRange(terms);
        return right;
    }

    public static ScheduleRecord Schedule(string id, IEnumerable<(int Day, int Start, int End)> weekly, bool ignoresHolidays = false, params (string Date, string Name)[] holidays)
    {
        var record = new ScheduleRecord { Id = id, Name = "s-" + id, IgnoresHolidays = ignoresHolidays };
        record.Weekly.AddRange(weekly.Select(w => new WeeklyInterval { Day = w.Day, StartMinute = w.Start, EndMinute = w.End }));
        record.Holidays.AddRange(holidays.Select(h => new Holiday { Date = h.Date, Name = h.Name }));
        return record;
    }

    /// <summary>
    /// The standard replica: office Mon–Fri 08:00–18:00 closed on Christmas Day; night Thu 22:00–06:00;
    /// always 24/7. Card "A1B2C3" (card-1) has office at the main door and always + PIN at the lab.
    /// </summary>
    public static DecisionIndex.Builder Builder()
    {
        var builder = new DecisionIndex.Builder { Position = 42 };
        builder.Add(new SiteRecord { Id = "site-1", Name = "HQ", TimeZone = "Europe/Berlin" });
        builder.Add(new DoorRecord { Id = MainDoor, Name = "Main" });
        builder.Add(new DoorRecord { Id = PinDoor, Name = "Lab", RequiresPin = true });
        builder.Add(Schedule(Office, Enumerable.Range(1, 5).Select(d => (d, 8 * 60, 18 * 60)), false, ("2026-12-25", "Christmas Day")));
        builder.Add(Schedule(Night, [(4, 22 * 60, 6 * 60)]));
        builder.Add(Schedule(Always, Enumerable.Range(1, 7).Select(d => (d, 0, 1440)), ignoresHolidays: true));
        builder.Add(Card("card-1", "A1B2C3", pinHash: PinHash));
        builder.Add(Right("card-1", MainDoor, Term(Office)));
        builder.Add(Right("card-1", PinDoor, Term(Always)));
        return builder;
    }

    public static DecisionIndex Index() => Builder().Build();

    private static byte[] Hash(string number)
    {
        var bytes = new byte[CardHash.Length];
        HashOf(number).CopyTo(bytes);
        return bytes;
    }
}
