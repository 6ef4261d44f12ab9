using System.Globalization;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using NodaTime;
using NodaTime.Text;
using Core = EdgeAccess.Schedules;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Schedules;

public sealed partial class ScheduleGrpcService
{
    private const int MaxIntervals = 500;
    private const int MaxSpecialDays = 1000;
    private const int MaxHolidays = 1000;
    private const int MaxCalendars = 50;

    /// <summary>A checked schedule from a request: its definition JSON and calendar links.</summary>
    private sealed record ScheduleInput(string Name, string Definition, bool IgnoresHolidays, IReadOnlyList<Guid> CalendarIds);

    /// <summary>
    /// Reads and checks the schedule of a request. The intervals are checked by the schedule core,
    /// whose error paths are prefixed with <c>schedule.</c> (all errors, joined by "; ").
    /// </summary>
    private static ScheduleInput ReadSchedule(Schedule input, Guid id)
    {
        var name = Validate.Text(input.Name, "schedule.name");
        AdminFields.AtMost(input.Weekly.Count, MaxIntervals, "schedule.weekly");
        AdminFields.AtMost(input.HolidayIntervals.Count, MaxIntervals, "schedule.holiday_intervals");
        AdminFields.AtMost(input.SpecialDays.Count, MaxSpecialDays, "schedule.special_days");
        var specialDays = new List<Core.SpecialDay>(input.SpecialDays.Count);
        for (var i = 0; i < input.SpecialDays.Count; i++)
        {
            var special = input.SpecialDays[i];
            var path = AdminFields.Indexed("schedule.special_days", i);
            AdminFields.AtMost(special.Intervals.Count, MaxIntervals, path + ".intervals");
            specialDays.Add(new Core.SpecialDay(
                ParseDate(special.Date, path + ".date"),
                [.. special.Intervals.Select(ToCore)],
                Validate.OptionalText(special.Name, path + ".name")));
        }

        var definition = new Core.ScheduleDefinition(
            id,
            name,
            [.. input.Weekly.Select(w => new Core.WeeklyInterval((IsoDayOfWeek)w.Day, w.StartMinute, w.EndMinute))],
            [.. input.HolidayIntervals.Select(ToCore)],
            specialDays,
            ignoresHolidays: input.IgnoresHolidays);
        var errors = Core.ScheduleValidator.Validate(definition);
        if (errors.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", errors.Select(e => $"schedule.{e.Path}: {e.Message}"))));
        }

        var calendars = AdminFields.ReadIds(input.CalendarIds, "schedule.calendar_ids", MaxCalendars);
        return new ScheduleInput(name, ScheduleJson.ToJson(definition), input.IgnoresHolidays, calendars);
    }

    /// <summary>Reads and checks the name and holidays of a calendar.</summary>
    private static (string Name, List<Stored.HolidayEntry> Holidays) ReadCalendar(HolidayCalendar input, Guid id)
    {
        var name = Validate.Text(input.Name, "calendar.name");
        AdminFields.AtMost(input.Holidays.Count, MaxHolidays, "calendar.holidays");
        var holidays = new List<Core.Holiday>(input.Holidays.Count);
        for (var i = 0; i < input.Holidays.Count; i++)
        {
            var path = AdminFields.Indexed("calendar.holidays", i);
            holidays.Add(new Core.Holiday(ParseDate(input.Holidays[i].Date, path + ".date"), Validate.Text(input.Holidays[i].Name, path + ".name")));
        }

        var errors = Core.ScheduleValidator.Validate(new Core.HolidayCalendar(id, name, holidays));
        if (errors.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", errors.Select(e => $"calendar.{e.Path}: {e.Message}"))));
        }

        return (name, [.. holidays.Select(h => new Stored.HolidayEntry { CalendarId = id, Date = ScheduleJson.ToDateOnly(h.Date), Name = h.Name })]);
    }

    private static LocalDate ParseDate(string text, string field)
    {
        var result = LocalDatePattern.Iso.Parse(text ?? "");
        return result.Success && result.Value.Year is >= 1 and <= 9999
            ? result.Value
            : throw ApiErrors.Invalid(field, string.IsNullOrEmpty(text) ? "is required" : $"\"{text}\" is not a date (yyyy-MM-dd)");
    }

    private static Core.DayInterval ToCore(DayInterval interval) => new(interval.StartMinute, interval.EndMinute);

    private static DayInterval ToProto(Core.DayInterval interval) => new() { StartMinute = interval.StartMinute, EndMinute = interval.EndMinute };

    private static Schedule ToProto(Stored.Schedule schedule)
    {
        var definition = ScheduleJson.Parse(schedule.Id, schedule.Name, schedule.Definition);
        var proto = new Schedule
        {
            Id = schedule.Id.ToString(),
            SiteId = schedule.SiteId.ToString(),
            Name = schedule.Name,
            IgnoresHolidays = schedule.IgnoresHolidays,
            Etag = Validate.ToEtag(schedule.Version),
            CreateTime = AdminFields.ToTimestamp(schedule.CreatedAt),
            UpdateTime = AdminFields.ToTimestamp(schedule.UpdatedAt),
        };
        proto.Weekly.AddRange(definition.Weekly.Select(w => new WeeklyInterval { Day = (int)w.Day, StartMinute = w.StartMinute, EndMinute = w.EndMinute }));
        proto.HolidayIntervals.AddRange(definition.HolidayIntervals.Select(ToProto));
        foreach (var special in definition.SpecialDays)
        {
            var day = new SpecialDay { Date = LocalDatePattern.Iso.Format(special.Date), Name = special.Name ?? "" };
            day.Intervals.AddRange(special.Intervals.Select(ToProto));
            proto.SpecialDays.Add(day);
        }

        proto.CalendarIds.AddRange(schedule.Calendars.Select(c => c.CalendarId).Order().Select(id => id.ToString()));
        return proto;
    }

    private static HolidayCalendar ToProto(Stored.HolidayCalendar calendar)
    {
        var proto = new HolidayCalendar
        {
            Id = calendar.Id.ToString(),
            SiteId = calendar.SiteId.ToString(),
            Name = calendar.Name,
            Etag = Validate.ToEtag(calendar.Version),
            CreateTime = AdminFields.ToTimestamp(calendar.CreatedAt),
            UpdateTime = AdminFields.ToTimestamp(calendar.UpdatedAt),
        };
        proto.Holidays.AddRange(calendar.Holidays.OrderBy(h => h.Date).Select(h => new Holiday
        {
            Date = h.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Name = h.Name,
        }));
        return proto;
    }
}
