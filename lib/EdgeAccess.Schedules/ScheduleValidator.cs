using System.Globalization;
using NodaTime;

namespace EdgeAccess.Schedules;

/// <summary>
/// Checks schedule data and reports every problem with the path of its field, for API error
/// details and the admin UI. Overlapping intervals are allowed (they count as their union) and are
/// therefore not reported.
/// </summary>
public static class ScheduleValidator
{
    private const string StartRule = "must be in [0, 1440)";
    private const string EndRule = "must be in (0, 1440]";

    /// <summary>Validates a schedule definition.</summary>
    /// <param name="definition">The definition to check.</param>
    /// <returns>All errors found; empty when the definition is valid.</returns>
    public static IReadOnlyList<ScheduleValidationError> Validate(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<ScheduleValidationError>();
        CheckIdentity(definition.Id, definition.Name, errors);

        for (var i = 0; i < definition.Weekly.Count; i++)
        {
            var interval = definition.Weekly[i];
            var path = Indexed("weekly", i);
            if (interval.Day is < IsoDayOfWeek.Monday or > IsoDayOfWeek.Sunday)
            {
                errors.Add(new($"{path}.day", "must be a day of the week (Monday..Sunday)"));
            }

            CheckMinutes(path, interval.StartMinute, interval.EndMinute, errors);
        }

        for (var i = 0; i < definition.HolidayIntervals.Count; i++)
        {
            var interval = definition.HolidayIntervals[i];
            CheckMinutes(Indexed("holiday_intervals", i), interval.StartMinute, interval.EndMinute, errors);
        }

        var firstIndexByDate = new Dictionary<LocalDate, int>();
        for (var i = 0; i < definition.SpecialDays.Count; i++)
        {
            var special = definition.SpecialDays[i];
            var path = Indexed("special_days", i);
            CheckDate($"{path}.date", special.Date, errors);
            if (!firstIndexByDate.TryAdd(special.Date, i))
            {
                errors.Add(new($"{path}.date", $"duplicate date {Iso(special.Date)} (first at {Indexed("special_days", firstIndexByDate[special.Date])})"));
            }

            for (var j = 0; j < special.Intervals.Count; j++)
            {
                var interval = special.Intervals[j];
                CheckMinutes($"{path}.{Indexed("intervals", j)}", interval.StartMinute, interval.EndMinute, errors);
            }
        }

        foreach (var (date, name) in definition.Holidays.OrderBy(pair => pair.Key))
        {
            var path = $"holidays[{Iso(date)}]";
            CheckDate(path, date, errors);
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add(new($"{path}.name", "must not be empty"));
            }
        }

        return errors;
    }

    /// <summary>Validates a holiday calendar (identity, names, dates, duplicates).</summary>
    /// <param name="calendar">The calendar to check.</param>
    /// <returns>All errors found; empty when the calendar is valid.</returns>
    public static IReadOnlyList<ScheduleValidationError> Validate(HolidayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var errors = new List<ScheduleValidationError>();
        CheckIdentity(calendar.Id, calendar.Name, errors);
        var firstIndexByDate = new Dictionary<LocalDate, int>();
        for (var i = 0; i < calendar.Holidays.Count; i++)
        {
            var holiday = calendar.Holidays[i];
            var path = Indexed("holidays", i);
            CheckDate($"{path}.date", holiday.Date, errors);
            if (!firstIndexByDate.TryAdd(holiday.Date, i))
            {
                errors.Add(new($"{path}.date", $"duplicate date {Iso(holiday.Date)} (first at {Indexed("holidays", firstIndexByDate[holiday.Date])})"));
            }

            if (string.IsNullOrWhiteSpace(holiday.Name))
            {
                errors.Add(new($"{path}.name", "must not be empty"));
            }
        }

        return errors;
    }

    private static void CheckIdentity(Guid id, string? name, List<ScheduleValidationError> errors)
    {
        if (id == Guid.Empty)
        {
            errors.Add(new("id", "must not be empty"));
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(new("name", "must not be empty"));
        }
    }

    private static void CheckMinutes(string path, int start, int end, List<ScheduleValidationError> errors)
    {
        if (!Minutes.IsValidStart(start))
        {
            errors.Add(new($"{path}.start_minute", StartRule));
        }

        if (!Minutes.IsValidEnd(end))
        {
            errors.Add(new($"{path}.end_minute", EndRule));
        }
    }

    private static void CheckDate(string path, LocalDate date, List<ScheduleValidationError> errors)
    {
        // Evaluation looks dates up by equality, and LocalDate equality includes the calendar.
        if (date.Calendar != CalendarSystem.Iso)
        {
            errors.Add(new(path, "must use the ISO calendar"));
        }
    }

    private static string Indexed(string name, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}[{index}]");

    private static string Iso(LocalDate date) =>
        date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
}
