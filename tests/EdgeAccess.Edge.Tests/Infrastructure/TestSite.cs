using EdgeAccess.Decisions;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Microsoft.AspNetCore.Identity;

namespace EdgeAccess.Edge.Tests.Infrastructure;

/// <summary>
/// The seeded site (Europe/Berlin): a main door (office hours Mon–Fri 08:00–18:00) and a server
/// room that needs a PIN; an employee card with rights to both, a blocked card, and a PIN.
/// </summary>
public static class TestSite
{
    /// <summary>The card-hash key of the test deployment (32 bytes, base64), as the hub's test key.</summary>
    public const string CardHashKey = "dGVzdC1vbmx5LWNhcmQtaGFzaC1rZXktMzItYnl0ZXM=";

    /// <summary>The site id.</summary>
    public const string SiteId = "site-berlin";

    /// <summary>The replica position of the snapshot.</summary>
    public const long Position = 42;

    /// <summary>Door with office hours, no PIN.</summary>
    public const string MainDoor = "door-main";

    /// <summary>Door that needs card + PIN.</summary>
    public const string ServerRoom = "door-server-room";

    /// <summary>The employee's card number as a reader sends it.</summary>
    public const string EmployeeNumber = "04A1B2C3D4E5F6";

    /// <summary>The employee's PIN.</summary>
    public const string EmployeePin = "4711";

    /// <summary>A blocked card's number.</summary>
    public const string BlockedNumber = "0BADC0DE0BADC0DE";

    /// <summary>A number no card has.</summary>
    public const string UnknownNumber = "DEADBEEF01";

    /// <summary>The employee card's id.</summary>
    public const string EmployeeCardId = "card-employee";

    /// <summary>When the replica was last synced: Wednesday 2025-06-11 09:50 in Berlin (CEST).</summary>
    public static readonly DateTimeOffset SyncedAt = new(2025, 6, 11, 7, 50, 0, TimeSpan.Zero);

    /// <summary>Wednesday 10:00 in Berlin: office hours.</summary>
    public static readonly DateTimeOffset InOfficeHours = new(2025, 6, 11, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Wednesday 22:00 in Berlin: outside office hours.</summary>
    public static readonly DateTimeOffset AfterHours = new(2025, 6, 11, 20, 0, 0, TimeSpan.Zero);

    /// <summary>Writes the snapshot into <paramref name="dataDirectory"/>.</summary>
    public static async Task SeedAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var hasher = new CardHasher(Convert.FromBase64String(CardHashKey));
        var pinHash = new PasswordHasher<object>().HashPassword(new object(), EmployeePin);
        // The hub's ids are GUIDs; a schedule with another id does not compile and so admits nobody.
        var schedule = new ScheduleRecord { Id = "0197a5c4-0000-7000-8000-000000000001", Name = "Office hours" };
        for (var day = 1; day <= 5; day++)
        {
            schedule.Weekly.Add(new WeeklyInterval { Day = day, StartMinute = 8 * 60, EndMinute = 18 * 60 });
        }

        var records = new List<ReplicaRecord>
        {
            Record(RecordKind.Site, SiteId, new SiteRecord { Id = SiteId, Name = "Berlin", TimeZone = "Europe/Berlin" }),
            Record(RecordKind.Door, MainDoor, new DoorRecord { Id = MainDoor, Name = "Main entrance" }),
            Record(RecordKind.Door, ServerRoom, new DoorRecord { Id = ServerRoom, Name = "Server room", RequiresPin = true }),
            Record(RecordKind.Schedule, schedule.Id, schedule),
            Record(RecordKind.Card, EmployeeCardId, Card(hasher, EmployeeCardId, EmployeeNumber, CardStatus.Active, pinHash)),
            Record(RecordKind.Card, "card-blocked", Card(hasher, "card-blocked", BlockedNumber, CardStatus.Blocked, "")),
        };
        foreach (var (card, door) in new[] { (EmployeeCardId, MainDoor), (EmployeeCardId, ServerRoom), ("card-blocked", MainDoor) })
        {
            var right = new RightRecord { CardId = card, DoorId = door, PersonId = "person-1" };
            right.Terms.Add(new RightTerm { ScheduleId = schedule.Id });
            records.Add(new ReplicaRecord(RecordKind.Right, card, door, right.ToByteArray()));
        }

        using var store = ReplicaStore.Open(new ReplicaOptions { DataDirectory = dataDirectory }, new ManualClock(SyncedAt));
        await store.ApplySnapshotAsync(Chunks(records), Position, SiteId, cancellationToken).WithTimeout();
    }

    private static CardRecord Card(CardHasher hasher, string id, string number, CardStatus status, string pinHash)
    {
        Assert.True(hasher.TryHash(number, out var hash));
        var bytes = new byte[CardHash.Length];
        hash.CopyTo(bytes);
        return new CardRecord
        {
            Id = id,
            PersonId = "person-1",
            NumberHash = ByteString.CopyFrom(bytes),
            LastDigits = number[^4..],
            Status = status,
            PinHash = pinHash,
        };
    }

    private static ReplicaRecord Record(RecordKind kind, string id, IMessage message) => new(kind, id, "", message.ToByteArray());

    private static async IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> Chunks(IReadOnlyList<ReplicaRecord> records)
    {
        await Task.Yield();
        yield return records;
    }
}
