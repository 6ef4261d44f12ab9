using System.Globalization;
using EdgeAccess.Schedules.Internal;
using NodaTime;

namespace EdgeAccess.Schedules;

/// <summary>
/// The outcome of <see cref="CompiledSchedule.Evaluate(LocalDateTime)"/>: allowed or not, why, and
/// for "explain access" the interval that matched. A small value type; producing one allocates
/// nothing.
/// </summary>
public readonly record struct ScheduleVerdict
{
    internal ScheduleVerdict(
        bool allowed, ScheduleReason reason, ScheduleDayKind source, LocalDate date, int startMinute, int endMinute, string? dayName)
    {
        Allowed = allowed;
        Reason = reason;
        Source = source;
        Date = date;
        StartMinute = startMinute;
        EndMinute = endMinute;
        DayName = dayName;
    }

    /// <summary>Whether the schedule allows access at the evaluated time.</summary>
    public bool Allowed { get; }

    /// <summary>Why; see <see cref="ScheduleReason"/>.</summary>
    public ScheduleReason Reason { get; }

    /// <summary>Which rule set of <see cref="Date"/> decided (weekly, holiday or special day).</summary>
    public ScheduleDayKind Source { get; }

    /// <summary>
    /// The local date whose rules decided: when allowed, the date the matching interval started on
    /// (the evaluated date, or the day before for an overnight interval); when denied, the evaluated
    /// date, or the day before when its holiday or special day suppressed an overnight interval.
    /// </summary>
    public LocalDate Date { get; }

    /// <summary>The day of the week the matching interval belongs to; <see cref="IsoDayOfWeek.None"/> when denied.</summary>
    public IsoDayOfWeek Day => Allowed ? Date.DayOfWeek : IsoDayOfWeek.None;

    /// <summary>Start minute of the matching interval (0 when denied).</summary>
    public int StartMinute { get; }

    /// <summary>End minute of the matching interval, &lt;= <see cref="StartMinute"/> when overnight (0 when denied).</summary>
    public int EndMinute { get; }

    /// <summary>The holiday or special-day name behind <see cref="Source"/>, if any.</summary>
    public string? DayName { get; }

    /// <summary>
    /// One line for explain output, e.g. <c>allowed (InSchedule): Mon 2026-03-30 08:00–18:00</c> or
    /// <c>denied (Holiday): 2026-12-25 "Christmas Day"</c>.
    /// </summary>
    /// <returns>The verdict in words.</returns>
    public override string ToString()
    {
        var head = $"{(Allowed ? "allowed" : "denied")} ({Reason}): ";
        var date = Date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
        var name = DayName is null ? string.Empty : $" \"{DayName}\"";
        return Allowed
            ? $"{head}{DayNames.Short(Date.DayOfWeek)} {date} {Minutes.FormatInterval(StartMinute, EndMinute)}{name}"
            : $"{head}{date}{name}";
    }
}
