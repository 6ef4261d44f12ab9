using EdgeAccess.Schedules.Internal;
using NodaTime;

namespace EdgeAccess.Schedules;

/// <summary>
/// A half-open wall-clock interval [<see cref="StartMinute"/>, <see cref="EndMinute"/>) that recurs
/// every week on <see cref="Day"/>.
/// </summary>
/// <remarks>
/// Same minute rules as <see cref="DayInterval"/>: start in [0, 1440), end in (0, 1440] (1440 is
/// 24:00), and end &lt;= start means the interval runs over midnight into the next day. An overnight
/// interval belongs to <see cref="Day"/>, the day it starts on; so Sunday 22:00–06:00 covers Monday
/// morning, and whether it runs at all is decided by Sunday's rules (a holiday or special day on
/// that Sunday suppresses it).
/// </remarks>
/// <param name="Day">The day of the week the interval starts on.</param>
/// <param name="StartMinute">Inclusive start, minutes after local midnight, in [0, 1440).</param>
/// <param name="EndMinute">Exclusive end, minutes after local midnight, in (0, 1440].</param>
public readonly record struct WeeklyInterval(IsoDayOfWeek Day, int StartMinute, int EndMinute)
{
    /// <summary>Whether the interval runs over midnight into the next day.</summary>
    public bool IsOvernight => EndMinute <= StartMinute;

    /// <summary>The interval without its day.</summary>
    public DayInterval Interval => new(StartMinute, EndMinute);

    /// <summary>Formats as <c>Mon 08:00–18:00</c> or <c>Mon 22:00–06:00(+1)</c>.</summary>
    /// <returns>The interval in wall-clock notation.</returns>
    public override string ToString() =>
        $"{DayNames.Short(Day)} {Minutes.FormatInterval(StartMinute, EndMinute)}";
}
