using NodaTime;
using NodaTime.Text;

namespace EdgeAccess.Schedules;

/// <summary>
/// A half-open window of absolute time [<see cref="From"/>, <see cref="To"/>) in which a grant is
/// valid; a null bound is unbounded on that side. Used by the rights compiler to intersect and
/// merge grant windows. Unlike schedules these are instants, not wall-clock times.
/// </summary>
/// <param name="From">Inclusive start; null = since forever.</param>
/// <param name="To">Exclusive end; null = forever.</param>
public readonly record struct ValidityWindow(Instant? From, Instant? To)
{
    /// <summary>The window with no bounds: contains every instant.</summary>
    public static ValidityWindow Unbounded => default;

    /// <summary>True when the window contains no instant (both bounds set and <see cref="To"/> &lt;= <see cref="From"/>).</summary>
    public bool IsEmpty => From is { } from && To is { } to && to <= from;

    /// <summary>Whether <paramref name="instant"/> lies in [From, To).</summary>
    /// <param name="instant">The instant to test.</param>
    /// <returns><see langword="true"/> when inside.</returns>
    public bool Contains(Instant instant) => (From is not { } from || instant >= from) && (To is not { } to || instant < to);

    /// <summary>
    /// The instants in both windows: the later start and the earlier end. The result may be
    /// empty (check <see cref="IsEmpty"/>).
    /// </summary>
    /// <param name="other">The other window.</param>
    /// <returns>The intersection.</returns>
    public ValidityWindow Intersect(ValidityWindow other) => new(LaterStart(From, other.From), EarlierEnd(To, other.To));

    /// <summary>Whether the windows share at least one instant.</summary>
    /// <param name="other">The other window.</param>
    /// <returns><see langword="true"/> when the intersection is not empty.</returns>
    public bool Overlaps(ValidityWindow other) => !IsEmpty && !other.IsEmpty && !Intersect(other).IsEmpty;

    /// <summary>
    /// Unites two windows when the result is one window: they overlap or are adjacent (one ends
    /// where the other starts). An empty window unites with anything, giving the other one.
    /// </summary>
    /// <param name="other">The other window.</param>
    /// <param name="union">The united window, or <see langword="default"/> when there is a gap.</param>
    /// <returns><see langword="false"/> when a gap separates the windows.</returns>
    public bool TryUnion(ValidityWindow other, out ValidityWindow union)
    {
        if (IsEmpty || other.IsEmpty)
        {
            union = IsEmpty ? other : this;
            return true;
        }

        // Touching or overlapping: the later start is not after the earlier end.
        var laterStart = LaterStart(From, other.From);
        var earlierEnd = EarlierEnd(To, other.To);
        if (laterStart is { } start && earlierEnd is { } end && start > end)
        {
            union = default;
            return false;
        }

        union = new(From is null || other.From is null ? null : Min(From.Value, other.From.Value),
            To is null || other.To is null ? null : Max(To.Value, other.To.Value));
        return true;
    }

    /// <summary>
    /// Merges windows into the smallest set of disjoint, non-adjacent windows covering the same
    /// instants, sorted by start; empty windows are dropped.
    /// </summary>
    /// <param name="windows">The windows, in any order.</param>
    /// <returns>The merged windows.</returns>
    public static IReadOnlyList<ValidityWindow> Merge(IEnumerable<ValidityWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var merged = new List<ValidityWindow>();
        foreach (var window in windows.Where(w => !w.IsEmpty).OrderBy(w => w.From ?? Instant.MinValue))
        {
            if (merged.Count > 0 && merged[^1].TryUnion(window, out var union))
            {
                merged[^1] = union;
            }
            else
            {
                merged.Add(window);
            }
        }

        return merged;
    }

    /// <summary>Formats as <c>[2026-01-01T00:00:00Z, ∞)</c>; empty windows as <c>∅</c>.</summary>
    /// <returns>The window in interval notation.</returns>
    public override string ToString() =>
        IsEmpty ? "∅" : $"[{Format(From, "-∞")}, {Format(To, "∞")})";

    private static Instant? LaterStart(Instant? a, Instant? b) => a is null ? b : b is null ? a : Max(a.Value, b.Value);

    private static Instant? EarlierEnd(Instant? a, Instant? b) => a is null ? b : b is null ? a : Min(a.Value, b.Value);

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    private static string Format(Instant? instant, string unbounded) =>
        instant is { } value ? InstantPattern.ExtendedIso.Format(value) : unbounded;
}
