using EdgeAccess.Decisions.Internal;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Decisions;

public sealed partial class DecisionIndex
{
    /// <summary>
    /// The mutable side: keeps the replicated records compactly (cards as small structs, rights as
    /// packed arrays per card, term lists interned) so a replica can be applied change by change
    /// and an index built at any position. Not thread-safe: one replicator owns it.
    /// </summary>
    /// <remarks>
    /// <see cref="Add(RightRecord)"/> does not keep the record, so a caller may reuse one message.
    /// Interned term sets are never dropped; a site has few distinct ones.
    /// </remarks>
    public sealed partial class Builder
    {
        private readonly Dictionary<string, int> _doorOrdinalsById = [];
        private readonly List<DoorEntry> _doors = [];
        private readonly Dictionary<string, ScheduleRecord> _schedules = [];
        private readonly Dictionary<string, CardInfo> _cards = [];
        private readonly Dictionary<string, RightsList> _rights = [];
        private readonly List<TermSpec[]> _termSets = [];
        private readonly Dictionary<TermSpec[], int> _termSetIds = new(SequenceComparer<TermSpec>.Instance);
        private TermSpec[] _scratch = new TermSpec[4];
        private SiteRecord? _site;

        /// <summary>The feed position the records reflect; set by <see cref="Apply"/> or by the caller after a snapshot.</summary>
        public long Position { get; set; }

        /// <summary>Sets the site (id and IANA time zone).</summary>
        /// <param name="site">The site record.</param>
        public void Add(SiteRecord site) => _site = site ?? throw new ArgumentNullException(nameof(site));

        /// <summary>Adds or replaces a door.</summary>
        /// <param name="door">The door record.</param>
        public void Add(DoorRecord door)
        {
            ArgumentNullException.ThrowIfNull(door);
            _doors[DoorOrdinal(door.Id)] = new DoorEntry(door.Id, door.RequiresPin, Present: true);
        }

        /// <summary>Removes a door (its rights stay until removed, but no tap there is known).</summary>
        /// <param name="doorId">The door's id.</param>
        public void RemoveDoor(string doorId)
        {
            if (_doorOrdinalsById.TryGetValue(doorId, out var ordinal))
            {
                _doors[ordinal] = _doors[ordinal] with { Present = false };
            }
        }

        /// <summary>Adds or replaces a card. A card whose hash is not 32 bytes is kept but cannot be tapped.</summary>
        /// <param name="card">The card record.</param>
        public void Add(CardRecord card)
        {
            ArgumentNullException.ThrowIfNull(card);
            _ = CardHash.TryCreate(card.NumberHash.Span, out var hash);
            _cards[card.Id] = new CardInfo(
                card.Id, hash, card.Status, Ticks(card.ValidFrom, long.MinValue), Ticks(card.ValidTo, long.MaxValue),
                string.IsNullOrEmpty(card.PinHash) ? null : card.PinHash, card.AllowWhenDegraded);
        }

        /// <summary>Removes a card (and so every tap with its number).</summary>
        /// <param name="cardId">The card's id.</param>
        public void RemoveCard(string cardId) => _cards.Remove(cardId);

        /// <summary>Adds or replaces a schedule; it is compiled by <see cref="Build"/>.</summary>
        /// <param name="schedule">The schedule record.</param>
        public void Add(ScheduleRecord schedule)
        {
            ArgumentNullException.ThrowIfNull(schedule);
            _schedules[schedule.Id] = schedule;
        }

        /// <summary>Removes a schedule; terms naming it then admit nothing.</summary>
        /// <param name="scheduleId">The schedule's id.</param>
        public void RemoveSchedule(string scheduleId) => _schedules.Remove(scheduleId);

        /// <summary>Adds or replaces the merged terms of one card × door (no terms: removes the right).</summary>
        /// <param name="right">The right record; not kept.</param>
        public void Add(RightRecord right)
        {
            ArgumentNullException.ThrowIfNull(right);
            if (right.Terms.Count == 0)
            {
                RemoveRight(right.CardId, right.DoorId);
                return;
            }

            var door = DoorOrdinal(right.DoorId);
            var termSet = InternTerms(right);
            if (!_rights.TryGetValue(right.CardId, out var list))
            {
                list = new RightsList();
                _rights[right.CardId] = list;
            }

            list.Set(door, termSet);
        }

        /// <summary>Removes the right of one card × door.</summary>
        /// <param name="cardId">The card's id.</param>
        /// <param name="doorId">The door's id.</param>
        public void RemoveRight(string cardId, string doorId)
        {
            if (_rights.TryGetValue(cardId, out var list) && _doorOrdinalsById.TryGetValue(doorId, out var door)
                && list.Remove(door) && list.Count == 0)
            {
                _rights.Remove(cardId);
            }
        }

        /// <summary>Applies one feed change (add, replace or delete) and advances <see cref="Position"/>.</summary>
        /// <param name="change">The change from the site's feed.</param>
        public void Apply(FeedChange change)
        {
            ArgumentNullException.ThrowIfNull(change);
            switch (change.Kind, change.Deleted)
            {
                case (RecordKind.Site, false): Add(change.Site); break;
                case (RecordKind.Door, false): Add(change.Door); break;
                case (RecordKind.Door, true): RemoveDoor(change.EntityId); break;
                case (RecordKind.Card, false): Add(change.Card); break;
                case (RecordKind.Card, true): RemoveCard(change.EntityId); break;
                case (RecordKind.Schedule, false): Add(change.Schedule); break;
                case (RecordKind.Schedule, true): RemoveSchedule(change.EntityId); break;
                case (RecordKind.Right, false): Add(change.Right); break;
                case (RecordKind.Right, true): RemoveRight(change.EntityId, change.DoorId); break;
                default: break; // A deleted site or an unknown kind changes nothing a decision reads.
            }

            Position = Math.Max(Position, change.Position);
        }

        private int DoorOrdinal(string doorId)
        {
            if (!_doorOrdinalsById.TryGetValue(doorId, out var ordinal))
            {
                ordinal = _doors.Count;
                _doorOrdinalsById[doorId] = ordinal;
                _doors.Add(new DoorEntry(doorId, RequiresPin: false, Present: false));
            }

            return ordinal;
        }

        private int InternTerms(RightRecord right)
        {
            if (_scratch.Length < right.Terms.Count)
            {
                _scratch = new TermSpec[right.Terms.Count * 2];
            }

            for (var i = 0; i < right.Terms.Count; i++)
            {
                var term = right.Terms[i];
                _scratch[i] = new TermSpec(term.ScheduleId, Ticks(term.ValidFrom, long.MinValue), Ticks(term.ValidTo, long.MaxValue), term.RequiresPin);
            }

            var lookup = _termSetIds.GetAlternateLookup<ReadOnlySpan<TermSpec>>();
            var terms = (ReadOnlySpan<TermSpec>)_scratch.AsSpan(0, right.Terms.Count);
            if (!lookup.TryGetValue(terms, out var id))
            {
                id = _termSets.Count;
                _termSets.Add(terms.ToArray());
                _termSetIds[_termSets[id]] = id;
            }

            return id;
        }

        private static long Ticks(Timestamp? timestamp, long unset) =>
            timestamp is null ? unset : (timestamp.Seconds * TimeSpan.TicksPerSecond) + (timestamp.Nanos / 100);
    }
}
