using System.Runtime.CompilerServices;
using EdgeAccess.Decisions.Internal;
using NodaTime;

namespace EdgeAccess.Decisions;

/// <summary>
/// An immutable, thread-safe snapshot of a site's replica prepared for card decisions: card hash →
/// card (one dictionary look-up), door id → door, and per card a rights profile sorted by door
/// (binary search, ≤ 7 probes for 64 doors) pointing at interned, compiled term sets. Built by
/// <see cref="Builder"/>; published to readers through <see cref="DecisionIndexHolder"/>.
/// </summary>
/// <remarks>
/// Memory: a right costs 8 bytes (a packed door ordinal + term set id) in the card's profile, and
/// profiles are interned, so cards with identical rights (the usual case: same role, same doors)
/// share one array. Term sets are interned too: a site has a handful, not one per right.
/// </remarks>
public sealed partial class DecisionIndex
{
    private readonly Dictionary<string, int> _doorOrdinals;
    private readonly DoorEntry[] _doors;
    private readonly Dictionary<CardHash, int> _cardSlots;
    private readonly CardEntry[] _cards;
    private readonly CompiledTerm[][] _termSets;

    private DecisionIndex(
        string siteId, DateTimeZone zone, long position, Dictionary<string, int> doorOrdinals, DoorEntry[] doors,
        Dictionary<CardHash, int> cardSlots, CardEntry[] cards, CompiledTerm[][] termSets, IndexStatistics statistics)
    {
        SiteId = siteId;
        Zone = zone;
        Position = position;
        _doorOrdinals = doorOrdinals;
        _doors = doors;
        _cardSlots = cardSlots;
        _cards = cards;
        _termSets = termSets;
        Statistics = statistics;
    }

    /// <summary>The site this index decides for.</summary>
    public string SiteId { get; }

    /// <summary>The site's time zone (schedules are evaluated on its wall clock).</summary>
    public DateTimeZone Zone { get; }

    /// <summary>The replica (feed) position this index reflects.</summary>
    public long Position { get; }

    /// <summary>Sizes of what the index holds.</summary>
    public IndexStatistics Statistics { get; }

    /// <summary>Whether the door is in the index (present in the replica).</summary>
    public bool HasDoor(string doorId) => _doorOrdinals.ContainsKey(doorId);

    /// <summary>The door ordinal of a present door.</summary>
    internal bool TryGetDoor(string doorId, out int ordinal) => _doorOrdinals.TryGetValue(doorId, out ordinal);

    internal ref readonly DoorEntry Door(int ordinal) => ref _doors[ordinal];

    internal bool TryGetCard(CardHash hash, out int slot) => _cardSlots.TryGetValue(hash, out slot);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref readonly CardEntry Card(int slot) => ref _cards[slot];

    internal string? CardId(CardHash hash) => _cardSlots.TryGetValue(hash, out var slot) ? _cards[slot].Info.Id : null;

    internal ReadOnlySpan<CompiledTerm> Terms(int termSet) => _termSets[termSet];
}

/// <summary>Sizes of a <see cref="DecisionIndex"/>.</summary>
/// <param name="Cards">Cards with a usable number hash.</param>
/// <param name="Doors">Doors present.</param>
/// <param name="Rights">Card × door rights of those cards.</param>
/// <param name="Profiles">Distinct rights profiles (arrays actually stored).</param>
/// <param name="StoredRights">Rights actually stored after profile sharing (8 bytes each).</param>
/// <param name="TermSets">Distinct term sets.</param>
/// <param name="Schedules">Schedules compiled.</param>
/// <param name="UnreadableSchedules">Schedules that could not be compiled (their terms admit nothing).</param>
public readonly record struct IndexStatistics(
    int Cards, int Doors, long Rights, int Profiles, long StoredRights, int TermSets, int Schedules, int UnreadableSchedules);
