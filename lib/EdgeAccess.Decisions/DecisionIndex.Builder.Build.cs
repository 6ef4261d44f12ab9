using EdgeAccess.Decisions.Internal;
using EdgeAccess.Protos.V1;
using EdgeAccess.Schedules;
using NodaTime;

namespace EdgeAccess.Decisions;

public sealed partial class DecisionIndex
{
    public sealed partial class Builder
    {
        /// <summary>
        /// What a term with an empty schedule id is held to: every minute of every day, holidays
        /// ignored. Its id is only a placeholder (a definition needs one); it is never replicated.
        /// </summary>
        private static readonly CompiledSchedule Unrestricted =
            CompiledSchedule.Compile(ScheduleDefinition.Always(new Guid("00000000-0000-0000-0000-0000000000a1")));

        /// <summary>
        /// Builds an immutable index of the current records: compiles schedules and term sets,
        /// interns rights profiles, keys cards by hash. The builder stays usable for more changes.
        /// </summary>
        /// <returns>The index at <see cref="Position"/>.</returns>
        /// <exception cref="InvalidOperationException">No site yet, or its time zone is not an IANA zone this node knows.</exception>
        public DecisionIndex Build()
        {
            var site = _site ?? throw new InvalidOperationException("The replica has no site record yet; an index needs the site's time zone.");
            var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(site.TimeZone)
                ?? throw new InvalidOperationException($"The site's time zone '{site.TimeZone}' is not in this node's tzdb.");

            var schedules = new Dictionary<string, CompiledSchedule?>(_schedules.Count);
            var unreadable = 0;
            foreach (var (id, record) in _schedules)
            {
                schedules[id] = ScheduleRecords.TryCompile(record, out var problem);
                unreadable += problem is null ? 0 : 1;
            }

            var termSets = new CompiledTerm[_termSets.Count][];
            for (var i = 0; i < termSets.Length; i++)
            {
                termSets[i] = [.. _termSets[i].Select(t => new CompiledTerm(ScheduleOf(schedules, t.ScheduleId), t.FromTicks, t.ToTicks, t.RequiresPin))];
            }

            var doors = _doors.ToArray();
            var doorOrdinals = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < doors.Length; i++)
            {
                if (doors[i].Present)
                {
                    doorOrdinals[doors[i].Id] = i;
                }
            }

            var (cardSlots, cards, statistics) = BuildCards();
            return new DecisionIndex(
                site.Id, zone, Position, doorOrdinals, doors, cardSlots, cards, termSets,
                statistics with { Doors = doorOrdinals.Count, TermSets = termSets.Length, Schedules = schedules.Count, UnreadableSchedules = unreadable });
        }

        /// <summary>
        /// A term's schedule: an empty id means "no schedule restriction" (replica.proto, RightTerm:
        /// e.g. a booking's term, bounded only by its validity window); an id naming no readable
        /// schedule record gives null, which admits nothing (fail secure).
        /// </summary>
        private static CompiledSchedule? ScheduleOf(Dictionary<string, CompiledSchedule?> schedules, string id) =>
            id.Length == 0 ? Unrestricted : schedules.GetValueOrDefault(id);

        private (Dictionary<CardHash, int> Slots, CardEntry[] Cards, IndexStatistics Statistics) BuildCards()
        {
            var slots = new Dictionary<CardHash, int>(_cards.Count);
            var cards = new List<CardEntry>(_cards.Count);
            var profiles = new Dictionary<ulong[], ulong[]>(SequenceComparer<ulong>.Instance);
            var lookup = profiles.GetAlternateLookup<ReadOnlySpan<ulong>>();
            long rights = 0, stored = 0;
            foreach (var card in _cards.Values)
            {
                if (card.Hash == default)
                {
                    continue;
                }

                var span = _rights.TryGetValue(card.Id, out var list) ? list.Span : [];
                if (!lookup.TryGetValue(span, out var profile))
                {
                    profile = span.ToArray();
                    profiles[profile] = profile;
                    stored += profile.Length;
                }

                rights += profile.Length;
                var entry = new CardEntry(card, profile);
                if (slots.TryGetValue(card.Hash, out var existing))
                {
                    // Two records with one number hash should not happen; an active card wins over a
                    // blocked or lost one so a re-issued number keeps working.
                    if (card.Status == CardStatus.Active && cards[existing].Info.Status != CardStatus.Active)
                    {
                        cards[existing] = entry;
                    }

                    continue;
                }

                slots[card.Hash] = cards.Count;
                cards.Add(entry);
            }

            return (slots, [.. cards], new IndexStatistics(cards.Count, 0, rights, profiles.Count, stored, 0, 0, 0));
        }
    }
}
