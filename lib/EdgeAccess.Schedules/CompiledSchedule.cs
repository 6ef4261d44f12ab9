using System.Collections.Frozen;
using EdgeAccess.Schedules.Internal;
using NodaTime;

namespace EdgeAccess.Schedules;

/// <summary>
/// A <see cref="ScheduleDefinition"/> prepared for fast evaluation: per-weekday sorted minute
/// ranges, a dictionary of special days and a dictionary of holidays. Immutable and thread-safe;
/// <see cref="Evaluate(LocalDateTime)"/> allocates nothing.
/// </summary>
/// <remarks>
/// <para><b>Wall-clock semantics.</b> Schedules speak local wall time in the site's IANA time zone.
/// An instant is converted to a local date-time and intervals match by minute of the local day,
/// half-open [start, end). So on a daylight-saving spring-forward day the skipped wall-clock hour
/// simply never occurs (an interval inside it never matches; one spanning it is an hour shorter in
/// real time), and on a fall-back day the repeated hour matches on both occurrences.</para>
/// <para><b>Which intervals can match</b> a local date-time on date D at minute m: those belonging to
/// D (starting on D) and the overnight intervals belonging to D−1 that are still running. Each date
/// uses its own rules, special day &gt; holiday (unless ignored) &gt; weekly. So an overnight interval
/// that started the evening before a holiday runs into the holiday morning, and one that would
/// start on a holiday is suppressed. When both D−1 and D have a match, D−1's (earlier-starting)
/// interval is reported.</para>
/// </remarks>
public sealed partial class CompiledSchedule
{
    private readonly CompiledDay[] _weekly;
    private readonly CompiledDay _holiday;
    private readonly FrozenDictionary<LocalDate, CompiledDay> _specialDays;
    private readonly FrozenDictionary<LocalDate, string> _holidays;

    private CompiledSchedule(ScheduleDefinition definition)
    {
        Definition = definition;

        // Indexed by (int)IsoDayOfWeek, 1..7; slot 0 is unused.
        _weekly = new CompiledDay[8];
        for (var day = IsoDayOfWeek.Monday; day <= IsoDayOfWeek.Sunday; day++)
        {
            var current = day;
            _weekly[(int)day] = new CompiledDay(
                ScheduleDayKind.Weekly,
                null,
                definition.Weekly.Where(i => i.Day == current).Select(i => MinuteRange.From(i.StartMinute, i.EndMinute)));
        }

        _holiday = new CompiledDay(
            ScheduleDayKind.Holiday, null, definition.HolidayIntervals.Select(i => MinuteRange.From(i.StartMinute, i.EndMinute)));
        _specialDays = definition.SpecialDays.ToFrozenDictionary(
            s => s.Date,
            s => new CompiledDay(ScheduleDayKind.SpecialDay, s.Name, s.Intervals.Select(i => MinuteRange.From(i.StartMinute, i.EndMinute))));
        _holidays = definition.IgnoresHolidays
            ? FrozenDictionary<LocalDate, string>.Empty
            : definition.Holidays.ToFrozenDictionary();

        IsAlways = definition.IgnoresHolidays
            && _specialDays.Count == 0
            && _weekly.Skip(1).All(d => d.Ranges.Length > 0 && d.Ranges[0].Start == 0 && d.Ranges[0].End >= Minutes.PerDay);
    }

    /// <summary>The definition this schedule was compiled from.</summary>
    public ScheduleDefinition Definition { get; }

    /// <summary>The schedule's identity.</summary>
    public Guid Id => Definition.Id;

    /// <summary>Display name.</summary>
    public string Name => Definition.Name;

    /// <summary>
    /// True when every day is covered 00:00–24:00, holidays are ignored and there are no special
    /// days (as <see cref="ScheduleDefinition.Always"/>); evaluation then returns
    /// <see cref="ScheduleReason.Always"/> without lookups.
    /// </summary>
    public bool IsAlways { get; }

    /// <summary>Validates and compiles a definition.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>The compiled schedule.</returns>
    /// <exception cref="ScheduleValidationException">The definition is invalid; see its errors.</exception>
    public static CompiledSchedule Compile(ScheduleDefinition definition)
    {
        var errors = ScheduleValidator.Validate(definition);
        return errors.Count == 0 ? new CompiledSchedule(definition) : throw new ScheduleValidationException(errors);
    }

    /// <summary>Converts an instant to the zone's wall clock and evaluates it.</summary>
    /// <param name="instant">The moment, e.g. of a card tap.</param>
    /// <param name="zone">The site's time zone, e.g. from <c>DateTimeZoneProviders.Tzdb["Europe/Berlin"]</c>.</param>
    /// <returns>The verdict.</returns>
    /// <remarks>Allocation-free apart from NodaTime filling its per-zone offset cache.</remarks>
    public ScheduleVerdict Evaluate(Instant instant, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return Evaluate(instant.InZone(zone).LocalDateTime);
    }

    /// <summary>Evaluates the wall-clock time of a zoned date-time.</summary>
    /// <param name="zoned">The moment in the site's zone.</param>
    /// <returns>The verdict.</returns>
    public ScheduleVerdict Evaluate(ZonedDateTime zoned) => Evaluate(zoned.LocalDateTime);

    /// <summary>Evaluates a local wall-clock date-time. Allocation-free.</summary>
    /// <param name="local">The local date-time in the site's zone (converted to the ISO calendar if needed).</param>
    /// <returns>The verdict.</returns>
    public ScheduleVerdict Evaluate(LocalDateTime local)
    {
        if (local.Calendar != CalendarSystem.Iso)
        {
            local = local.WithCalendar(CalendarSystem.Iso);
        }

        var date = local.Date;
        if (IsAlways)
        {
            return new(true, ScheduleReason.Always, ScheduleDayKind.Weekly, date, 0, Minutes.PerDay, null);
        }

        // Boundaries are whole minutes, so comparing whole minutes is exact for [start, end).
        var minute = (local.Hour * 60) + local.Minute;
        var today = RulesFor(date, out var todayName);

        CompiledDay? yesterday = null;
        string? yesterdayName = null;
        var yesterdayDate = date;
        if (date != LocalDate.MinIsoValue)
        {
            yesterdayDate = date.PlusDays(-1);
            yesterday = RulesFor(yesterdayDate, out yesterdayName);
            if (yesterday.TryMatch(minute + Minutes.PerDay, out var carried))
            {
                return Allow(yesterday, yesterdayDate, carried, yesterdayName);
            }
        }

        if (today.TryMatch(minute, out var match))
        {
            return Allow(today, date, match, todayName);
        }

        if (today.Kind != ScheduleDayKind.Weekly)
        {
            return Deny(today.Kind, date, todayName);
        }

        // D−1's holiday or special day suppressed a weekly overnight interval that would cover now.
        if (yesterday is { Kind: not ScheduleDayKind.Weekly }
            && _weekly[(int)yesterdayDate.DayOfWeek].TryMatch(minute + Minutes.PerDay, out _))
        {
            return Deny(yesterday.Kind, yesterdayDate, yesterdayName);
        }

        return new(false, ScheduleReason.OutsideSchedule, ScheduleDayKind.Weekly, date, 0, 0, null);
    }

    private CompiledDay RulesFor(LocalDate date, out string? name)
    {
        if (_specialDays.Count != 0 && _specialDays.TryGetValue(date, out var special))
        {
            name = special.Name;
            return special;
        }

        if (_holidays.Count != 0 && _holidays.TryGetValue(date, out name))
        {
            return _holiday;
        }

        name = null;
        return _weekly[(int)date.DayOfWeek];
    }

    private static ScheduleVerdict Allow(CompiledDay rules, LocalDate date, MinuteRange range, string? name) =>
        new(
            true,
            rules.Kind == ScheduleDayKind.SpecialDay ? ScheduleReason.SpecialDay : ScheduleReason.InSchedule,
            rules.Kind,
            date,
            range.Start,
            range.EndMinute,
            name);

    private static ScheduleVerdict Deny(ScheduleDayKind kind, LocalDate date, string? name) =>
        new(false, kind == ScheduleDayKind.Holiday ? ScheduleReason.Holiday : ScheduleReason.SpecialDay, kind, date, 0, 0, name);
}
