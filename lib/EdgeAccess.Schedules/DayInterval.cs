namespace EdgeAccess.Schedules;

/// <summary>
/// A half-open wall-clock interval [<see cref="StartMinute"/>, <see cref="EndMinute"/>) on a day
/// that is given by context: the holiday intervals of a schedule, or the intervals of a
/// <see cref="SpecialDay"/>.
/// </summary>
/// <remarks>
/// <para><see cref="StartMinute"/> is in [0, 1440) and <see cref="EndMinute"/> in (0, 1440]; 1440 means
/// 24:00. When <see cref="EndMinute"/> &lt;= <see cref="StartMinute"/> the interval runs over
/// midnight and ends at <see cref="EndMinute"/> on the next day (so start 480, end 480 is a full
/// 24 hours from 08:00). The interval belongs to the day it starts on.</para>
/// <para>The constructor does not validate, so that stored data can be loaded and reported on;
/// use <see cref="ScheduleValidator"/>.</para>
/// </remarks>
/// <param name="StartMinute">Inclusive start, minutes after local midnight, in [0, 1440).</param>
/// <param name="EndMinute">Exclusive end, minutes after local midnight, in (0, 1440].</param>
public readonly record struct DayInterval(int StartMinute, int EndMinute)
{
    /// <summary>Whether the interval runs over midnight into the next day.</summary>
    public bool IsOvernight => EndMinute <= StartMinute;

    /// <summary>Formats as <c>08:00–18:00</c> or <c>22:00–06:00(+1)</c>.</summary>
    /// <returns>The interval in wall-clock notation.</returns>
    public override string ToString() => Minutes.FormatInterval(StartMinute, EndMinute);
}
