namespace EdgeAccess.Cloud.Booking;

/// <summary>A half-open time range [Start, End).</summary>
internal readonly record struct Span(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Length => End - Start;

    public bool Overlaps(Span other) => Start < other.End && other.Start < End;
}

/// <summary>
/// Where a new booking of a resource can go, computed in memory from its rules, its active
/// bookings and its blackouts. A new booking [s, e) occupies [s, e + buffer) and must not overlap
/// an existing booking's stored [start, occupied_until) (the database's exclusion constraint), so
/// an existing booking blocks the interval [start − buffer, occupied_until) for new bookings.
/// </summary>
internal sealed class FreeTime(SlotGrid grid, BookingLimits limits, DateTimeOffset now)
{
    private readonly List<Span> _blocked = [];

    /// <summary>Adds an active booking as stored: [start, occupied_until).</summary>
    public void AddBooking(DateTimeOffset start, DateTimeOffset occupiedUntil) =>
        _blocked.Add(new Span(start.AddMinutes(-limits.BufferMinutes), occupiedUntil));

    /// <summary>Adds a blackout window.</summary>
    public void AddBlackout(DateTimeOffset start, DateTimeOffset end) => _blocked.Add(new Span(start, end));

    /// <summary>
    /// The maximal free intervals inside <paramref name="window"/>: on the grid, after the minimum
    /// notice, at least the minimum duration long.
    /// </summary>
    public List<Span> Intervals(Span window)
    {
        var from = window.Start;
        if (limits.HonourNotice)
        {
            var earliest = now.AddMinutes(limits.MinNoticeMinutes);
            from = from > earliest ? from : earliest;
        }

        var to = window.End;
        if (limits.HonourNotice && limits.MaxNoticeMinutes > 0)
        {
            // The latest start is now + max notice; a booking starting then may run its full length.
            var latest = now.AddMinutes(limits.MaxNoticeMinutes + limits.MaxDurationMinutes);
            to = to < latest ? to : latest;
        }

        var result = new List<Span>();
        var cursor = from;
        foreach (var block in _blocked.Where(b => b.End > from && b.Start < to).OrderBy(b => b.Start))
        {
            if (block.Start > cursor)
            {
                Add(result, cursor, block.Start);
            }

            cursor = cursor > block.End ? cursor : block.End;
        }

        if (cursor < to)
        {
            Add(result, cursor, to);
        }

        return result;
    }

    /// <summary>Every grid-aligned slot of <paramref name="minutes"/> inside the free intervals.</summary>
    public List<Span> Slots(Span window, int minutes, int max = int.MaxValue)
    {
        var latestStart = limits.HonourNotice && limits.MaxNoticeMinutes > 0 ? now.AddMinutes(limits.MaxNoticeMinutes) : DateTimeOffset.MaxValue;
        var slots = new List<Span>();
        foreach (var free in Intervals(window))
        {
            for (var start = free.Start; start.AddMinutes(minutes) <= free.End && start <= latestStart && slots.Count < max; start = grid.Next(start))
            {
                slots.Add(new Span(start, start.AddMinutes(minutes)));
            }
        }

        return slots;
    }

    private void Add(List<Span> result, DateTimeOffset start, DateTimeOffset end)
    {
        var aligned = new Span(grid.Ceiling(start), grid.Floor(end));
        if (aligned.End > aligned.Start && aligned.Length.TotalMinutes >= limits.MinDurationMinutes)
        {
            result.Add(aligned);
        }
    }
}

/// <summary>The rule values availability honours (copied from the rules record).</summary>
internal sealed record BookingLimits(int MinDurationMinutes, int MaxDurationMinutes, int MinNoticeMinutes, int MaxNoticeMinutes, int BufferMinutes, bool HonourNotice = true)
{
    public static BookingLimits From(Data.Entities.BookingRules rules) =>
        new(rules.MinDurationMinutes, rules.MaxDurationMinutes, rules.MinNoticeMinutes, rules.MaxNoticeMinutes, rules.BufferMinutes);
}
