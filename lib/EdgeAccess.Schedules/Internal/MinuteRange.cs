namespace EdgeAccess.Schedules.Internal;

/// <summary>
/// An interval in minutes from the start of the day it belongs to: [Start, End) with End in
/// (Start, Start + 1440]. An overnight interval has End &gt; 1440, so "started yesterday and still
/// running" is a lookup of minute + 1440 in yesterday's ranges.
/// </summary>
internal readonly record struct MinuteRange(int Start, int End)
{
    public static MinuteRange From(int startMinute, int endMinute) =>
        new(startMinute, endMinute <= startMinute ? endMinute + Minutes.PerDay : endMinute);

    public bool IsOvernight => End > Minutes.PerDay;

    /// <summary>The end minute in interval notation (on the next day when overnight).</summary>
    public int EndMinute => IsOvernight ? End - Minutes.PerDay : End;

    public override string ToString() => Minutes.FormatInterval(Start, EndMinute);
}
