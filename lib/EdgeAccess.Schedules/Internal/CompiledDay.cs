namespace EdgeAccess.Schedules.Internal;

/// <summary>
/// One rule set (a weekday's weekly intervals, the holiday intervals, or a special day), compiled
/// to ranges sorted by start. Ranges wholly inside another are dropped; partly overlapping ranges
/// are kept so that a verdict always names a configured interval. Days hold a handful of ranges,
/// so a linear scan beats anything cleverer.
/// </summary>
internal sealed class CompiledDay
{
    private readonly MinuteRange[] _ranges;
    private readonly int _maxEnd;

    public CompiledDay(ScheduleDayKind kind, string? name, IEnumerable<MinuteRange> ranges)
    {
        Kind = kind;
        Name = name;
        var kept = new List<MinuteRange>();
        var maxEnd = 0;
        foreach (var range in ranges.OrderBy(r => r.Start).ThenByDescending(r => r.End))
        {
            // Sorted by start, so a range ending no later than an earlier one lies inside it.
            if (range.End > maxEnd)
            {
                kept.Add(range);
                maxEnd = range.End;
            }
        }

        _ranges = [.. kept];
        _maxEnd = maxEnd;
    }

    public ScheduleDayKind Kind { get; }

    /// <summary>The special day's name; null for weekly and holiday rule sets.</summary>
    public string? Name { get; }

    public ReadOnlySpan<MinuteRange> Ranges => _ranges;

    /// <summary>Finds the first range containing <paramref name="minute"/> (0..2879, from this day's midnight).</summary>
    public bool TryMatch(int minute, out MinuteRange match)
    {
        if (minute < _maxEnd)
        {
            foreach (var range in _ranges)
            {
                if (range.Start > minute)
                {
                    break;
                }

                if (minute < range.End)
                {
                    match = range;
                    return true;
                }
            }
        }

        match = default;
        return false;
    }
}
