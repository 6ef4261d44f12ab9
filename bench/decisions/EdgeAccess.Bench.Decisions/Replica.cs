using EdgeAccess.Decisions;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Bench.Decisions;

/// <summary>Generates a site replica: 64 doors, a few schedules and term sets, N cards with rights at every door.</summary>
internal static class Replica
{
    public const int Roles = 16;

    /// <summary>
    /// Fills a builder. Shared mode: each card belongs to one of <see cref="Roles"/> roles, and a role
    /// fixes the term set per door (the realistic case). Unique mode: every card × door draws its
    /// term set at random, so no two cards share a profile (the worst case for memory).
    /// </summary>
    public static (DecisionIndex.Builder Builder, CardHash[] Hashes, string[] Doors) Fill(int cards, int doors, bool unique, int seed)
    {
        var random = new Random(seed);
        var builder = new DecisionIndex.Builder { Position = 1 };
        builder.Add(new SiteRecord { Id = "site-bench", Name = "Bench", TimeZone = "Europe/Berlin" });
        var doorIds = Enumerable.Range(0, doors).Select(d => $"door-{d:D3}").ToArray();
        foreach (var id in doorIds)
        {
            builder.Add(new DoorRecord { Id = id, Name = id });
        }

        string[] schedules = [Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString()];
        builder.Add(Schedule(schedules[0], [.. Enumerable.Range(1, 5).Select(d => (d, 7 * 60, 19 * 60))], false));  // office
        builder.Add(Schedule(schedules[1], [.. Enumerable.Range(1, 7).Select(d => (d, 0, 1440))], true));          // 24/7
        builder.Add(Schedule(schedules[2], [.. Enumerable.Range(1, 7).Select(d => (d, 22 * 60, 6 * 60))], false)); // nights
        builder.Add(Schedule(schedules[3], [(6, 9 * 60, 14 * 60)], false));                                        // Saturdays

        // Six term sets: single schedules, one two-term merge, one with a validity window.
        var termSets = new RightRecord[6];
        for (var t = 0; t < termSets.Length; t++)
        {
            termSets[t] = new RightRecord { PersonId = "p" };
            termSets[t].Terms.Add(new RightTerm { ScheduleId = schedules[t % 4] });
        }

        termSets[4].Terms.Add(new RightTerm { ScheduleId = schedules[3] });
        termSets[5].Terms[0].ValidTo = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var roleTerms = new int[Roles, doors];
        for (var r = 0; r < Roles; r++)
        {
            for (var d = 0; d < doors; d++)
            {
                roleTerms[r, d] = random.Next(termSets.Length);
            }
        }

        var hashes = new CardHash[cards];
        var bytes = new byte[CardHash.Length];
        for (var c = 0; c < cards; c++)
        {
            random.NextBytes(bytes);
            hashes[c] = CardHash.FromBytes(bytes);
            var cardId = $"card-{c:D7}";
            builder.Add(new CardRecord { Id = cardId, PersonId = "p", NumberHash = ByteString.CopyFrom(bytes) });
            var role = c % Roles;
            for (var d = 0; d < doors; d++)
            {
                // The builder keeps nothing of the message, so one message per term set is reused.
                var right = termSets[unique ? random.Next(termSets.Length) : roleTerms[role, d]];
                right.CardId = cardId;
                right.DoorId = doorIds[d];
                builder.Add(right);
            }
        }

        return (builder, hashes, doorIds);
    }

    private static ScheduleRecord Schedule(string id, (int Day, int Start, int End)[] weekly, bool ignoresHolidays)
    {
        var record = new ScheduleRecord { Id = id, Name = id, IgnoresHolidays = ignoresHolidays };
        record.Weekly.AddRange(weekly.Select(w => new WeeklyInterval { Day = w.Day, StartMinute = w.Start, EndMinute = w.End }));
        record.Holidays.Add(new Holiday { Date = "2026-12-25", Name = "Christmas Day" });
        return record;
    }
}
