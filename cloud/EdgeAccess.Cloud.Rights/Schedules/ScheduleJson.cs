using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeAccess.Schedules;
using NodaTime;
using NodaTime.Text;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Rights.Schedules;

/// <summary>
/// The stored form of a schedule's intervals (<c>schedules.definition</c>, jsonb) and its conversion
/// to and from <see cref="ScheduleDefinition"/>:
/// <c>{"weekly":[{"day":1,"start_minute":480,"end_minute":1080}],"holiday_intervals":[{"start_minute":…,"end_minute":…}],
/// "special_days":[{"date":"2026-12-24","intervals":[…],"name":"Christmas Eve"}]}</c>.
/// Days are ISO days of the week (1 Monday .. 7 Sunday), dates ISO <c>yyyy-MM-dd</c>. Holidays and
/// <c>ignores_holidays</c> are not part of it: they come from the calendars and the schedule row.
/// </summary>
public static partial class ScheduleJson
{
    /// <summary>The JSON of the given intervals and special days (in the order given).</summary>
    public static string ToJson(IEnumerable<WeeklyInterval> weekly, IEnumerable<DayInterval> holidayIntervals, IEnumerable<SpecialDay> specialDays)
    {
        ArgumentNullException.ThrowIfNull(weekly);
        ArgumentNullException.ThrowIfNull(holidayIntervals);
        ArgumentNullException.ThrowIfNull(specialDays);
        var wire = new WireDefinition(
            [.. weekly.Select(w => new WireWeekly((int)w.Day, w.StartMinute, w.EndMinute))],
            [.. holidayIntervals.Select(ToWire)],
            [.. specialDays.Select(s => new WireSpecialDay(LocalDatePattern.Iso.Format(s.Date), [.. s.Intervals.Select(ToWire)], s.Name))]);
        return JsonSerializer.Serialize(wire, ScheduleJsonContext.Default.WireDefinition);
    }

    /// <summary>The JSON of a definition's weekly intervals, holiday intervals and special days.</summary>
    public static string ToJson(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return ToJson(definition.Weekly, definition.HolidayIntervals, definition.SpecialDays);
    }

    /// <summary>
    /// The definition of a stored schedule, with the flattened holidays of its calendars
    /// (<see cref="Holidays"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">The stored JSON is not a schedule definition.</exception>
    public static ScheduleDefinition ToDefinition(Entities.Schedule schedule, IReadOnlyDictionary<LocalDate, string> holidays)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return Parse(schedule.Id, schedule.Name, schedule.Definition, holidays, schedule.IgnoresHolidays);
    }

    /// <summary>Reads a definition from its JSON.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a schedule definition.</exception>
    public static ScheduleDefinition Parse(Guid id, string name, string json, IReadOnlyDictionary<LocalDate, string>? holidays = null, bool ignoresHolidays = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        WireDefinition? wire;
        try
        {
            wire = JsonSerializer.Deserialize(json, ScheduleJsonContext.Default.WireDefinition);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"schedule {id}: the stored definition is not valid JSON ({ex.Message})", ex);
        }

        if (wire is null)
        {
            throw new InvalidDataException($"schedule {id}: the stored definition is empty");
        }

        return new ScheduleDefinition(
            id,
            name,
            weekly: [.. (wire.Weekly ?? []).Select(w => new WeeklyInterval((IsoDayOfWeek)w.Day, w.StartMinute, w.EndMinute))],
            holidayIntervals: [.. (wire.HolidayIntervals ?? []).Select(FromWire)],
            specialDays: [.. (wire.SpecialDays ?? []).Select(s => new SpecialDay(ParseDate(id, s.Date), [.. (s.Intervals ?? []).Select(FromWire)], s.Name))],
            holidays: holidays,
            ignoresHolidays: ignoresHolidays);
    }

    /// <summary>A stored holiday calendar (with its holidays loaded) in the schedule core's form.</summary>
    public static HolidayCalendar ToCalendar(Entities.HolidayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return new HolidayCalendar(
            calendar.Id,
            calendar.Name,
            [.. calendar.Holidays.OrderBy(h => h.Date).Select(h => new Holiday(ToLocalDate(h.Date), h.Name))]);
    }

    /// <summary>The date → name map of the calendars a schedule honours (<see cref="HolidayCalendar.Flatten"/>).</summary>
    public static IReadOnlyDictionary<LocalDate, string> Holidays(IEnumerable<Entities.HolidayCalendar> calendars)
    {
        ArgumentNullException.ThrowIfNull(calendars);
        return HolidayCalendar.Flatten(calendars.OrderBy(c => c.Id).Select(ToCalendar));
    }

    /// <summary>Converts a stored date to the schedule core's date (ISO calendar).</summary>
    public static LocalDate ToLocalDate(DateOnly date) => new(date.Year, date.Month, date.Day);

    /// <summary>Converts a schedule core date to a stored date.</summary>
    public static DateOnly ToDateOnly(LocalDate date) => new(date.Year, date.Month, date.Day);

    private static WireInterval ToWire(DayInterval interval) => new(interval.StartMinute, interval.EndMinute);

    private static DayInterval FromWire(WireInterval interval) => new(interval.StartMinute, interval.EndMinute);

    private static LocalDate ParseDate(Guid id, string? text)
    {
        var result = LocalDatePattern.Iso.Parse(text ?? "");
        return result.Success
            ? result.Value
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"schedule {id}: stored special day date \"{text}\" is not yyyy-MM-dd"));
    }

    internal sealed record WireDefinition(List<WireWeekly>? Weekly, List<WireInterval>? HolidayIntervals, List<WireSpecialDay>? SpecialDays);

    internal sealed record WireWeekly(int Day, int StartMinute, int EndMinute);

    internal sealed record WireInterval(int StartMinute, int EndMinute);

    internal sealed record WireSpecialDay(string? Date, List<WireInterval>? Intervals, string? Name);

    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(WireDefinition))]
    internal sealed partial class ScheduleJsonContext : JsonSerializerContext;
}
