using EdgeAccess.Cloud.Rights.Compiler;
using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Schedules;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Rights.Explain;

/// <summary>
/// The schedules one query needs, compiled once, with the flattened holidays of their calendars —
/// the same definition the edge receives in its <c>ScheduleRecord</c>. A schedule whose stored
/// definition cannot be compiled is kept with its problem and admits nothing.
/// </summary>
internal sealed class ScheduleBook(NpgsqlConnection connection, NpgsqlTransaction? transaction, ILogger logger)
{
    /// <summary>
    /// A booking's term has no schedule (<see cref="RightsCalculator.NoSchedule"/>): it admits at
    /// any time of its window, as the edge's decider treats an empty schedule id. The compiled
    /// placeholder's own id is never shown.
    /// </summary>
    private static readonly Entry Unrestricted = new(
        "none (any time in the booking window)",
        CompiledSchedule.Compile(ScheduleDefinition.Always(new Guid("00000000-0000-0000-0000-0000000000a1"))),
        null);

    private readonly Dictionary<Guid, Entry> _entries = new() { [RightsCalculator.NoSchedule] = Unrestricted };

    /// <summary>Loads the schedules of <paramref name="ids"/> not loaded yet.</summary>
    public async Task LoadAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var missing = ids.Where(id => !_entries.ContainsKey(id)).Distinct().ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        var holidays = new Dictionary<Guid, List<(Guid Calendar, LocalDate Date, string Name)>>();
        await RightsLoader.ReadAsync(connection, transaction, """
            SELECT sc.schedule_id, sc.calendar_id, h.date, h.name FROM schedule_calendars sc
            JOIN holidays h ON h.calendar_id = sc.calendar_id WHERE sc.schedule_id = ANY($1)
            """, [missing], r =>
            {
                if (!holidays.TryGetValue(r.GetGuid(0), out var list))
                {
                    list = [];
                    holidays[r.GetGuid(0)] = list;
                }

                list.Add((r.GetGuid(1), LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(2)), r.GetString(3)));
            }, cancellationToken).ConfigureAwait(false);

        var entities = new List<Entities.Schedule>();
        await RightsLoader.ReadAsync(connection, transaction,
            "SELECT id, site_id, name, definition::text, ignores_holidays FROM schedules WHERE id = ANY($1)", [missing],
            r => entities.Add(new Entities.Schedule { Id = r.GetGuid(0), SiteId = r.GetGuid(1), Name = r.GetString(2), Definition = r.GetString(3), IgnoresHolidays = r.GetBoolean(4) }),
            cancellationToken).ConfigureAwait(false);

        foreach (var entity in entities)
        {
            var calendars = holidays.TryGetValue(entity.Id, out var dates)
                ? dates.GroupBy(d => d.Calendar).OrderBy(g => g.Key)
                    .Select(g => new HolidayCalendar(g.Key, "", [.. g.OrderBy(d => d.Date).Select(d => new Holiday(d.Date, d.Name))]))
                : [];
            try
            {
                var definition = ScheduleJson.ToDefinition(entity, HolidayCalendar.Flatten(calendars));
                _entries[entity.Id] = new Entry(entity.Name, CompiledSchedule.Compile(definition), null);
            }
            catch (Exception ex) when (ex is InvalidDataException or ScheduleValidationException)
            {
                ExplainLog.ScheduleUnreadable(logger, entity.Id, ex.Message);
                _entries[entity.Id] = new Entry(entity.Name, null, ex.Message);
            }
        }

        foreach (var id in missing.Where(id => !_entries.ContainsKey(id)))
        {
            _entries[id] = new Entry("(deleted schedule)", null, "the schedule does not exist");
        }
    }

    /// <summary>The schedule's name (load it first).</summary>
    public string Name(Guid id) => _entries.TryGetValue(id, out var entry) ? entry.Name : "(unknown schedule)";

    /// <summary>The schedule at <paramref name="at"/> in <paramref name="zone"/>; null when it cannot be evaluated.</summary>
    public ScheduleVerdict? Evaluate(Guid id, Instant at, DateTimeZone zone) =>
        _entries.TryGetValue(id, out var entry) && entry.Schedule is { } schedule ? schedule.Evaluate(at, zone) : null;

    /// <summary>Why the schedule cannot be evaluated (null when it can).</summary>
    public string? Problem(Guid id) => _entries.TryGetValue(id, out var entry) ? entry.Problem : "the schedule was not loaded";

    private sealed record Entry(string Name, CompiledSchedule? Schedule, string? Problem);
}
