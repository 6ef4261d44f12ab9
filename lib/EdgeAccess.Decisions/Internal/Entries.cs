using EdgeAccess.Protos.V1;
using EdgeAccess.Schedules;

namespace EdgeAccess.Decisions.Internal;

/// <summary>A door as the decider needs it.</summary>
internal readonly record struct DoorEntry(string Id, bool RequiresPin, bool Present);

/// <summary>A card's own facts, as the builder keeps them (no rights).</summary>
internal readonly record struct CardInfo(string Id, CardHash Hash, CardStatus Status, long FromTicks, long ToTicks, string? PinHash, bool AllowWhenDegraded);

/// <summary>
/// A card in the index: its facts plus its rights profile, a sorted array of packed
/// (door ordinal &lt;&lt; 32 | term set id) — 8 bytes per right, shared between cards with equal rights.
/// </summary>
internal readonly record struct CardEntry(CardInfo Info, ulong[] Rights);

/// <summary>
/// One term of a right, compiled: a schedule (null: unknown or unreadable, admits nothing; an empty
/// replicated schedule id compiles to an always-open schedule) within a window of Unix ticks.
/// </summary>
internal readonly record struct CompiledTerm(CompiledSchedule? Schedule, long FromTicks, long ToTicks, bool RequiresPin)
{
    public bool ValidAt(long ticks) => ticks >= FromTicks && ticks < ToTicks;
}

/// <summary>One term of a right as replicated (schedule by id), the unit of term-set interning.</summary>
internal readonly record struct TermSpec(string ScheduleId, long FromTicks, long ToTicks, bool RequiresPin);

/// <summary>Packs and unpacks a right (door ordinal, term set id) into one sortable <see cref="ulong"/>.</summary>
internal static class RightPacking
{
    public static ulong Pack(int door, int termSet) => ((ulong)(uint)door << 32) | (uint)termSet;

    public static int Door(ulong right) => (int)(right >> 32);

    public static int TermSet(ulong right) => (int)(uint)right;

    /// <summary>Binary search of a profile (sorted by door) for a door; ≤ 7 probes for 64 doors.</summary>
    public static int Find(ReadOnlySpan<ulong> rights, int door)
    {
        int lo = 0, hi = rights.Length - 1;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            var found = Door(rights[mid]);
            if (found == door)
            {
                return mid;
            }

            if (found < door)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
