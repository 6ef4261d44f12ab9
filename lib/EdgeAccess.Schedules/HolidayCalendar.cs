using System.Collections.Frozen;
using NodaTime;

namespace EdgeAccess.Schedules;

/// <summary>
/// A named set of holidays (for example "Germany – Berlin 2026"), shared by many schedules. A
/// schedule does not reference calendars at evaluation time; it carries the flattened dates
/// (<see cref="Flatten"/>), so a compiled schedule needs no lookups elsewhere.
/// </summary>
public sealed record HolidayCalendar
{
    private readonly IReadOnlyList<Holiday> _holidays = [];

    /// <summary>Creates a calendar; <paramref name="holidays"/> is copied.</summary>
    /// <param name="id">The calendar's identity.</param>
    /// <param name="name">Display name.</param>
    /// <param name="holidays">The holidays; validate with <see cref="ScheduleValidator.Validate(HolidayCalendar)"/>.</param>
    public HolidayCalendar(Guid id, string name, IReadOnlyList<Holiday> holidays)
    {
        Id = id;
        Name = name;
        Holidays = holidays;
    }

    /// <summary>The calendar's identity.</summary>
    public Guid Id { get; init; }

    /// <summary>Display name.</summary>
    public string Name { get; init; }

    /// <summary>The holidays, in the order given.</summary>
    public IReadOnlyList<Holiday> Holidays
    {
        get => _holidays;
        init => _holidays = Array.AsReadOnly(value?.ToArray() ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>
    /// Flattens calendars into the date → name map a <see cref="ScheduleDefinition"/> carries. When
    /// several calendars (or one calendar twice) name the same date, the distinct names are joined
    /// with <c>" / "</c> in the order given, so the result is deterministic.
    /// </summary>
    /// <param name="calendars">The calendars the schedule uses.</param>
    /// <returns>An immutable map from date to holiday name.</returns>
    public static IReadOnlyDictionary<LocalDate, string> Flatten(IEnumerable<HolidayCalendar> calendars)
    {
        ArgumentNullException.ThrowIfNull(calendars);
        var names = new Dictionary<LocalDate, List<string>>();
        foreach (var calendar in calendars)
        {
            foreach (var holiday in calendar.Holidays)
            {
                if (!names.TryGetValue(holiday.Date, out var list))
                {
                    names[holiday.Date] = list = [];
                }

                if (!list.Contains(holiday.Name))
                {
                    list.Add(holiday.Name);
                }
            }
        }

        return names.ToFrozenDictionary(pair => pair.Key, pair => string.Join(" / ", pair.Value));
    }

    /// <inheritdoc />
    public bool Equals(HolidayCalendar? other) =>
        other is not null && Id == other.Id && Name == other.Name && _holidays.SequenceEqual(other._holidays);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Name, _holidays.Count);
}
