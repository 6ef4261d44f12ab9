using NodaTime;

namespace EdgeAccess.Schedules.Tests;

/// <summary>Builders and time helpers shared by the schedule tests.</summary>
internal static class TestSchedules
{
    public static readonly Guid Id = new("3f1c2a6e-0d7b-4f4e-9a55-5a1d8b0c7e21");

    public static DateTimeZone Berlin => DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    public static DateTimeZone NewYork => DateTimeZoneProviders.Tzdb["America/New_York"];

    /// <summary>Minutes from "HH:mm".</summary>
    public static int M(string time) => (int.Parse(time[..2], System.Globalization.CultureInfo.InvariantCulture) * 60)
        + int.Parse(time[3..], System.Globalization.CultureInfo.InvariantCulture);

    public static WeeklyInterval W(IsoDayOfWeek day, string start, string end) => new(day, M(start), end == "24:00" ? 1440 : M(end));

    public static DayInterval D(string start, string end) => new(M(start), end == "24:00" ? 1440 : M(end));

    public static LocalDateTime At(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second);

    public static CompiledSchedule Compile(
        IReadOnlyList<WeeklyInterval> weekly,
        IReadOnlyList<DayInterval>? holidayIntervals = null,
        IReadOnlyList<SpecialDay>? specialDays = null,
        IReadOnlyDictionary<LocalDate, string>? holidays = null,
        bool ignoresHolidays = false) =>
        CompiledSchedule.Compile(new ScheduleDefinition(Id, "Test", weekly, holidayIntervals, specialDays, holidays, ignoresHolidays));

    /// <summary>Counts the real (elapsed) minutes of [fromUtc, toUtc) in which the schedule allows access.</summary>
    public static int AllowedMinutes(CompiledSchedule schedule, DateTimeZone zone, Instant fromUtc, Instant toUtc)
    {
        var count = 0;
        for (var t = fromUtc; t < toUtc; t += Duration.FromMinutes(1))
        {
            if (schedule.Evaluate(t, zone).Allowed)
            {
                count++;
            }
        }

        return count;
    }

    public static Instant Utc(int year, int month, int day, int hour, int minute) =>
        Instant.FromUtc(year, month, day, hour, minute);
}
