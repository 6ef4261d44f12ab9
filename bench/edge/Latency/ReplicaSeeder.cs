using System.Diagnostics;
using System.Globalization;
using EdgeAccess.Decisions;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Bench.Edge.Latency;

/// <summary>
/// Writes a generated site straight into a node's <c>replica.db</c> through
/// <see cref="ReplicaStore.ApplySnapshotAsync"/>: N cards × M doors, every card with a right at
/// every door. As in bench/decisions, each card has one of 16 roles and a role fixes the schedule
/// per door (three of four schedules are 24/7, so most taps are granted). Card c's number is
/// <see cref="Number"/>, hashed with the deployment key, so taps hit real cards.
/// </summary>
internal static class ReplicaSeeder
{
    public const string SiteId = "site-bench";
    public const int Roles = 16;
    public const long Position = 1;

    /// <summary>The card number (hex, as a reader sends it) of card <paramref name="card"/>.</summary>
    public static string Number(int card) => (0xBE0000000000L + card).ToString("X12", CultureInfo.InvariantCulture);

    public static string DoorId(int door) => $"door-{door:D3}";

    /// <summary>Seeds the replica; returns the record count and the time taken.</summary>
    public static async Task<(long Records, TimeSpan Elapsed)> SeedAsync(string dataDirectory, byte[] key, int cards, int doors, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var store = ReplicaStore.Open(new ReplicaOptions { DataDirectory = dataDirectory }, TimeProvider.System);
        var count = await store.ApplySnapshotAsync(Records(key, cards, doors), Position, SiteId, cancellationToken);
        return (count, clock.Elapsed);
    }

    private static async IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> Records(byte[] key, int cards, int doors)
    {
        await Task.Yield();
        var hasher = new CardHasher(key);
        var random = new Random(7);
        string[] schedules = ["0197a5c4-0000-7000-8000-000000000001", "0197a5c4-0000-7000-8000-000000000002"];
        var chunk = new List<ReplicaRecord>(ChunkSize)
        {
            Record(RecordKind.Site, SiteId, "", new SiteRecord { Id = SiteId, Name = "Bench", TimeZone = "Europe/Berlin" }),
        };
        for (var d = 0; d < doors; d++)
        {
            chunk.Add(Record(RecordKind.Door, DoorId(d), "", new DoorRecord { Id = DoorId(d), Name = DoorId(d) }));
        }

        var always = new ScheduleRecord { Id = schedules[0], Name = "24/7", IgnoresHolidays = true };
        var office = new ScheduleRecord { Id = schedules[1], Name = "office" };
        for (var day = 1; day <= 7; day++)
        {
            always.Weekly.Add(new WeeklyInterval { Day = day, StartMinute = 0, EndMinute = 1440 });
            if (day <= 5)
            {
                office.Weekly.Add(new WeeklyInterval { Day = day, StartMinute = 7 * 60, EndMinute = 19 * 60 });
            }
        }

        chunk.Add(Record(RecordKind.Schedule, always.Id, "", always));
        chunk.Add(Record(RecordKind.Schedule, office.Id, "", office));

        // Role r's schedule at door d: 24/7 three times out of four, office hours otherwise.
        var roleSchedule = new string[Roles, doors];
        for (var r = 0; r < Roles; r++)
        {
            for (var d = 0; d < doors; d++)
            {
                roleSchedule[r, d] = schedules[random.Next(4) == 0 ? 1 : 0];
            }
        }

        var hashBytes = new byte[CardHash.Length];
        for (var c = 0; c < cards; c++)
        {
            var cardId = CardId(c);
            var number = Number(c);
            if (!hasher.TryHash(number, out var hash))
            {
                throw new InvalidOperationException($"card number {c} does not hash");
            }

            hash.CopyTo(hashBytes);
            chunk.Add(Record(RecordKind.Card, cardId, "", new CardRecord
            {
                Id = cardId, PersonId = PersonId(c), NumberHash = ByteString.CopyFrom(hashBytes), LastDigits = number[^4..], Status = CardStatus.Active,
            }));
            if (chunk.Count >= ChunkSize)
            {
                yield return chunk;
                chunk = new List<ReplicaRecord>(ChunkSize);
            }
        }

        var right = new RightRecord();
        var term = new RightTerm();
        right.Terms.Add(term);
        for (var c = 0; c < cards; c++)
        {
            right.CardId = CardId(c);
            right.PersonId = PersonId(c);
            for (var d = 0; d < doors; d++)
            {
                right.DoorId = DoorId(d);
                term.ScheduleId = roleSchedule[c % Roles, d];
                chunk.Add(new ReplicaRecord(RecordKind.Right, right.CardId, right.DoorId, right.ToByteArray()));
            }

            if (chunk.Count >= ChunkSize)
            {
                yield return chunk;
                chunk = new List<ReplicaRecord>(ChunkSize);
            }
        }

        yield return chunk;
    }

    private const int ChunkSize = 16_384;

    private static string CardId(int card) => $"card-{card:D7}";

    private static string PersonId(int card) => $"p-{card:D7}";

    private static ReplicaRecord Record(RecordKind kind, string id, string door, IMessage message) => new(kind, id, door, message.ToByteArray());
}
