using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Protos.V1;
using Entities = EdgeAccess.Cloud.Data.Entities;
using Schedule = EdgeAccess.Cloud.Data.Entities.Schedule;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace EdgeAccess.Cloud.Rights.Compiler;

internal static partial class ReplicaRecords
{
    private static async Task<List<SiteRecord>> LoadSitesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] ids, CancellationToken cancellationToken)
    {
        var result = new List<SiteRecord>();
        await RightsLoader.ReadAsync(connection, transaction, "SELECT id, name, time_zone FROM sites WHERE id = ANY($1)", [ids],
            r => result.Add(new SiteRecord { Id = r.GetGuid(0).ToString(), Name = r.GetString(1), TimeZone = r.GetString(2) }), cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static async Task<Dictionary<Guid, (Guid Site, DoorRecord Record)>> LoadDoorsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<Guid, (Guid, DoorRecord)>();
        await RightsLoader.ReadAsync(connection, transaction, "SELECT id, site_id, name, direction, requires_pin FROM doors WHERE id = ANY($1)", [ids],
            r => result[r.GetGuid(0)] = (r.GetGuid(1), new DoorRecord
            {
                Id = r.GetGuid(0).ToString(),
                Name = r.GetString(2),
                Direction = (Protos.V1.DoorDirection)r.GetInt16(3),
                RequiresPin = r.GetBoolean(4),
            }), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Loads cards by id (null = every card).</summary>
    private static async Task<Dictionary<Guid, CardRecord>> LoadCardsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<Guid>? ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<Guid, CardRecord>();
        const string Columns = "SELECT id, person_id, number_hash, last_digits, status, valid_from, valid_to, pin_hash, allow_when_degraded FROM cards";
        await RightsLoader.ReadAsync(connection, transaction, ids is null ? Columns : Columns + " WHERE id = ANY($1)", ids is null ? [] : [ids.ToArray()],
            r => result[r.GetGuid(0)] = new CardRecord
            {
                Id = r.GetGuid(0).ToString(),
                PersonId = r.GetGuid(1).ToString(),
                NumberHash = ByteString.CopyFrom(r.GetFieldValue<byte[]>(2)),
                LastDigits = r.GetString(3),
                Status = (Protos.V1.CardStatus)r.GetInt16(4),
                ValidFrom = r.IsDBNull(5) ? null : Timestamp.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(5)),
                ValidTo = r.IsDBNull(6) ? null : Timestamp.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(6)),
                PinHash = r.IsDBNull(7) ? "" : r.GetString(7),
                AllowWhenDegraded = r.GetBoolean(8),
            }, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static async Task<Dictionary<Guid, (Guid Site, ScheduleRecord Record)>> LoadSchedulesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] ids, CancellationToken cancellationToken)
    {
        // The calendars of each schedule, flattened by the same rule as everywhere else
        // (ScheduleJson.Holidays), so the edge sees the holiday names the hub shows.
        var calendars = new Dictionary<Guid, Dictionary<Guid, Entities.HolidayCalendar>>();
        await RightsLoader.ReadAsync(connection, transaction, """
            SELECT sc.schedule_id, sc.calendar_id, h.date, h.name FROM schedule_calendars sc JOIN holidays h ON h.calendar_id = sc.calendar_id
            WHERE sc.schedule_id = ANY($1)
            """, [ids], r =>
            {
                if (!calendars.TryGetValue(r.GetGuid(0), out var ofSchedule))
                {
                    ofSchedule = [];
                    calendars[r.GetGuid(0)] = ofSchedule;
                }

                if (!ofSchedule.TryGetValue(r.GetGuid(1), out var calendar))
                {
                    calendar = new Entities.HolidayCalendar { Id = r.GetGuid(1), Name = "" };
                    ofSchedule[calendar.Id] = calendar;
                }

                calendar.Holidays.Add(new Entities.HolidayEntry { CalendarId = calendar.Id, Date = r.GetFieldValue<DateOnly>(2), Name = r.GetString(3) });
            }, cancellationToken).ConfigureAwait(false);

        var result = new Dictionary<Guid, (Guid, ScheduleRecord)>();
        var entities = new List<Schedule>();
        await RightsLoader.ReadAsync(connection, transaction, "SELECT id, site_id, name, definition::text, ignores_holidays FROM schedules WHERE id = ANY($1)", [ids],
            r => entities.Add(new Schedule { Id = r.GetGuid(0), SiteId = r.GetGuid(1), Name = r.GetString(2), Definition = r.GetString(3), IgnoresHolidays = r.GetBoolean(4) }),
            cancellationToken).ConfigureAwait(false);
        foreach (var entity in entities)
        {
            var holidays = calendars.TryGetValue(entity.Id, out var ofSchedule) ? ScheduleJson.Holidays(ofSchedule.Values) : new Dictionary<LocalDate, string>();
            var definition = ScheduleJson.ToDefinition(entity, holidays);
            result[entity.Id] = (entity.SiteId, ToRecord(definition));
        }

        return result;
    }

    /// <summary>The replicated form of a schedule definition.</summary>
    internal static ScheduleRecord ToRecord(EdgeAccess.Schedules.ScheduleDefinition definition)
    {
        var record = new ScheduleRecord { Id = definition.Id.ToString(), Name = definition.Name, IgnoresHolidays = definition.IgnoresHolidays };
        record.Weekly.AddRange(definition.Weekly.Select(w => new WeeklyInterval { Day = (int)w.Day, StartMinute = w.StartMinute, EndMinute = w.EndMinute }));
        record.HolidayIntervals.AddRange(definition.HolidayIntervals.Select(i => new DayInterval { StartMinute = i.StartMinute, EndMinute = i.EndMinute }));
        foreach (var special in definition.SpecialDays.OrderBy(s => s.Date))
        {
            var day = new SpecialDay { Date = LocalDatePattern.Iso.Format(special.Date), Name = special.Name ?? "" };
            day.Intervals.AddRange(special.Intervals.Select(i => new DayInterval { StartMinute = i.StartMinute, EndMinute = i.EndMinute }));
            record.SpecialDays.Add(day);
        }

        record.Holidays.AddRange(definition.Holidays.OrderBy(h => h.Key).Select(h => new Holiday { Date = LocalDatePattern.Iso.Format(h.Key), Name = h.Value }));
        return record;
    }
}
