using EdgeAccess.Schedules;
using NodaTime;
using NodaTime.Text;
using Proto = EdgeAccess.Protos.V1;

namespace EdgeAccess.Decisions.Internal;

/// <summary>Turns a replicated <see cref="Proto.ScheduleRecord"/> back into the definition the hub compiled.</summary>
internal static class ScheduleRecords
{
    /// <summary>The compiled schedule, or null (with the problem) when the record cannot be read or validated.</summary>
    public static CompiledSchedule? TryCompile(Proto.ScheduleRecord record, out string? problem)
    {
        try
        {
            problem = null;
            return CompiledSchedule.Compile(ToDefinition(record));
        }
        catch (Exception ex) when (ex is ScheduleValidationException or UnparsableValueException or ArgumentException)
        {
            problem = ex.Message;
            return null;
        }
    }

    public static ScheduleDefinition ToDefinition(Proto.ScheduleRecord record)
    {
        var holidays = new Dictionary<LocalDate, string>();
        foreach (var holiday in record.Holidays)
        {
            var date = LocalDatePattern.Iso.Parse(holiday.Date).Value;
            // The hub flattens calendars already; a repeated date keeps both names as Flatten does.
            holidays[date] = holidays.TryGetValue(date, out var name) ? $"{name} / {holiday.Name}" : holiday.Name;
        }

        return new ScheduleDefinition(
            Guid.TryParse(record.Id, out var id) ? id : Guid.Empty,
            record.Name,
            [.. record.Weekly.Select(w => new WeeklyInterval((IsoDayOfWeek)w.Day, w.StartMinute, w.EndMinute))],
            [.. record.HolidayIntervals.Select(i => new DayInterval(i.StartMinute, i.EndMinute))],
            [.. record.SpecialDays.Select(s => new SpecialDay(
                LocalDatePattern.Iso.Parse(s.Date).Value,
                [.. s.Intervals.Select(i => new DayInterval(i.StartMinute, i.EndMinute))],
                string.IsNullOrEmpty(s.Name) ? null : s.Name))],
            holidays,
            record.IgnoresHolidays);
    }
}
