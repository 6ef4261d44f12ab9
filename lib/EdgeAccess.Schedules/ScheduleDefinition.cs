using System.Collections.Frozen;
using NodaTime;

namespace EdgeAccess.Schedules;

/// <summary>
/// The stored form of a time schedule ("Office hours", "Cleaning staff nights"): weekly wall-clock
/// intervals, what happens on holidays, and special days. Immutable; every collection is copied.
/// Check it with <see cref="ScheduleValidator"/>, then turn it into a <see cref="CompiledSchedule"/>
/// to evaluate.
/// </summary>
/// <remarks>
/// <para>The rules for a local date D, in precedence order: a <see cref="SpecialDay"/> on D uses its
/// intervals; otherwise, unless <see cref="IgnoresHolidays"/>, a holiday on D uses
/// <see cref="HolidayIntervals"/> (empty = closed); otherwise the <see cref="Weekly"/> intervals of D's
/// day of the week apply.</para>
/// <para>Overlapping intervals are allowed and count as their union; they are not an error.</para>
/// <para>Equality compares every collection element-wise.</para>
/// </remarks>
public sealed record ScheduleDefinition
{
    private static readonly IReadOnlyDictionary<LocalDate, string> NoHolidays =
        FrozenDictionary<LocalDate, string>.Empty;

    private readonly IReadOnlyList<WeeklyInterval> _weekly = [];
    private readonly IReadOnlyList<DayInterval> _holidayIntervals = [];
    private readonly IReadOnlyList<SpecialDay> _specialDays = [];
    private readonly IReadOnlyDictionary<LocalDate, string> _holidays = NoHolidays;

    /// <summary>Creates a schedule definition; every collection is copied.</summary>
    /// <param name="id">The schedule's identity.</param>
    /// <param name="name">Display name.</param>
    /// <param name="weekly">The weekly intervals.</param>
    /// <param name="holidayIntervals">Intervals that apply on holidays instead of the weekly ones; null or empty = closed on holidays.</param>
    /// <param name="specialDays">Dates with their own intervals; null = none.</param>
    /// <param name="holidays">Holiday dates → names, usually from <see cref="HolidayCalendar.Flatten"/>; null = none.</param>
    /// <param name="ignoresHolidays">When true, holidays are ordinary days for this schedule.</param>
    public ScheduleDefinition(
        Guid id,
        string name,
        IReadOnlyList<WeeklyInterval> weekly,
        IReadOnlyList<DayInterval>? holidayIntervals = null,
        IReadOnlyList<SpecialDay>? specialDays = null,
        IReadOnlyDictionary<LocalDate, string>? holidays = null,
        bool ignoresHolidays = false)
    {
        Id = id;
        Name = name;
        Weekly = weekly;
        HolidayIntervals = holidayIntervals ?? [];
        SpecialDays = specialDays ?? [];
        Holidays = holidays ?? NoHolidays;
        IgnoresHolidays = ignoresHolidays;
    }

    /// <summary>The schedule's identity.</summary>
    public Guid Id { get; init; }

    /// <summary>Display name.</summary>
    public string Name { get; init; }

    /// <summary>The weekly intervals, each belonging to the day it starts on.</summary>
    public IReadOnlyList<WeeklyInterval> Weekly
    {
        get => _weekly;
        init => _weekly = Copy(value);
    }

    /// <summary>Intervals that apply on a holiday instead of the weekly ones; empty = closed on holidays.</summary>
    public IReadOnlyList<DayInterval> HolidayIntervals
    {
        get => _holidayIntervals;
        init => _holidayIntervals = Copy(value);
    }

    /// <summary>Dates whose intervals replace both the weekly and the holiday intervals.</summary>
    public IReadOnlyList<SpecialDay> SpecialDays
    {
        get => _specialDays;
        init => _specialDays = Copy(value);
    }

    /// <summary>Holiday dates and their names, flattened from the schedule's calendars.</summary>
    public IReadOnlyDictionary<LocalDate, string> Holidays
    {
        get => _holidays;
        init => _holidays = (value ?? throw new ArgumentNullException(nameof(value))).ToFrozenDictionary();
    }

    /// <summary>When true, holidays are ordinary days for this schedule (special days still apply).</summary>
    public bool IgnoresHolidays { get; init; }

    /// <summary>A 24/7 schedule that ignores holidays: every day 00:00–24:00.</summary>
    /// <param name="id">The schedule's identity.</param>
    /// <returns>The definition, named <c>Always</c>.</returns>
    public static ScheduleDefinition Always(Guid id) =>
        new(id, "Always", [.. Enumerable.Range(1, 7).Select(d => new WeeklyInterval((IsoDayOfWeek)d, 0, Minutes.PerDay))], ignoresHolidays: true);

    /// <inheritdoc />
    public bool Equals(ScheduleDefinition? other) =>
        other is not null
        && Id == other.Id
        && Name == other.Name
        && IgnoresHolidays == other.IgnoresHolidays
        && _weekly.SequenceEqual(other._weekly)
        && _holidayIntervals.SequenceEqual(other._holidayIntervals)
        && _specialDays.SequenceEqual(other._specialDays)
        && _holidays.Count == other._holidays.Count
        && _holidays.All(pair => other._holidays.TryGetValue(pair.Key, out var name) && name == pair.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Name, _weekly.Count, _specialDays.Count, _holidays.Count);

    private static IReadOnlyList<T> Copy<T>(IReadOnlyList<T> value) =>
        Array.AsReadOnly(value?.ToArray() ?? throw new ArgumentNullException(nameof(value)));
}
