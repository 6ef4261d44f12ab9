using NodaTime;

namespace EdgeAccess.Schedules;

/// <summary>
/// A calendar date with its own opening intervals, replacing the weekly intervals on that date
/// (for example a shortened Christmas Eve, or a closed inventory day).
/// </summary>
/// <remarks>
/// A special day takes precedence over a holiday on the same date and applies even when the
/// schedule <see cref="ScheduleDefinition.IgnoresHolidays"/>. An empty <see cref="Intervals"/> list
/// means closed all day. An overnight interval of a special day runs into the next morning, and the
/// weekly overnight interval of the day before still runs into the special day's morning (intervals
/// belong to the day they start on). Equality compares <see cref="Intervals"/> element-wise.
/// </remarks>
public sealed record SpecialDay
{
    private readonly IReadOnlyList<DayInterval> _intervals = [];

    /// <summary>Creates a special day; <paramref name="intervals"/> is copied.</summary>
    /// <param name="date">The ISO calendar date it applies to.</param>
    /// <param name="intervals">Its intervals; empty means closed all day.</param>
    /// <param name="name">Optional display name, shown in explain output.</param>
    public SpecialDay(LocalDate date, IReadOnlyList<DayInterval> intervals, string? name = null)
    {
        Date = date;
        Intervals = intervals;
        Name = name;
    }

    /// <summary>The ISO calendar date it applies to.</summary>
    public LocalDate Date { get; init; }

    /// <summary>The intervals that apply on <see cref="Date"/>; empty means closed all day.</summary>
    public IReadOnlyList<DayInterval> Intervals
    {
        get => _intervals;
        init => _intervals = Array.AsReadOnly(value?.ToArray() ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Optional display name, shown in explain output.</summary>
    public string? Name { get; init; }

    /// <inheritdoc />
    public bool Equals(SpecialDay? other) =>
        other is not null && Date == other.Date && Name == other.Name && _intervals.SequenceEqual(other._intervals);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Date, Name, _intervals.Count);
}
