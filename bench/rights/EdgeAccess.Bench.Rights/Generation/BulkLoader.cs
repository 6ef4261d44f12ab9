using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace EdgeAccess.Bench.Rights.Generation;

/// <summary>
/// Loads a <see cref="SiteModel"/> with binary COPY, table by table, bypassing EF and HubChanges
/// (nothing is compiled or published: the effective state stays empty for the full compile). The
/// site gets its feed head, as the hub would create it, and the tables are analysed afterwards.
/// </summary>
internal static class BulkLoader
{
    public static async Task<List<(string Table, long Rows, TimeSpan Elapsed)>> LoadAsync(NpgsqlDataSource dataSource, SiteModel model, CancellationToken cancellationToken)
    {
        var now = model.Now;
        var timings = new List<(string, long, TimeSpan)>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        async Task CopyAsync<T>(string table, string columns, IReadOnlyCollection<T> rows, Func<NpgsqlBinaryImporter, T, Task> write)
        {
            var started = Stopwatch.GetTimestamp();
            await using (var importer = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var row in rows)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await write(importer, row);
                }

                await importer.CompleteAsync(cancellationToken);
            }

            timings.Add((table, rows.Count, Stopwatch.GetElapsedTime(started)));
        }

        Task Uuid(NpgsqlBinaryImporter i, Guid value) => i.WriteAsync(value, NpgsqlDbType.Uuid, cancellationToken);
        Task Text(NpgsqlBinaryImporter i, string value) => i.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
        Task Bool(NpgsqlBinaryImporter i, bool value) => i.WriteAsync(value, NpgsqlDbType.Boolean, cancellationToken);
        Task Small(NpgsqlBinaryImporter i, short value) => i.WriteAsync(value, NpgsqlDbType.Smallint, cancellationToken);
        Task Time(NpgsqlBinaryImporter i, DateTimeOffset? value) => value is { } v
            ? i.WriteAsync(v, NpgsqlDbType.TimestampTz, cancellationToken)
            : i.WriteNullAsync(cancellationToken);
        async Task Stamps(NpgsqlBinaryImporter i)
        {
            await Time(i, now);
            await Time(i, now);
        }

        await CopyAsync("sites", "id, name, time_zone, created_at, updated_at", [model], async (i, m) =>
        {
            await Uuid(i, m.SiteId);
            await Text(i, m.SiteName);
            await Text(i, m.TimeZone);
            await Stamps(i);
        });
        await CopyAsync("doors", "id, site_id, name, direction, requires_pin, created_at, updated_at", model.Doors, async (i, d) =>
        {
            await Uuid(i, d.Id);
            await Uuid(i, model.SiteId);
            await Text(i, d.Name);
            await Small(i, 2);
            await Bool(i, d.RequiresPin);
            await Stamps(i);
        });
        await CopyAsync("holiday_calendars", "id, site_id, name, created_at, updated_at", [model.CalendarId], async (i, id) =>
        {
            await Uuid(i, id);
            await Uuid(i, model.SiteId);
            await Text(i, "public holidays");
            await Stamps(i);
        });
        await CopyAsync("holidays", "calendar_id, date, name", model.Holidays, async (i, date) =>
        {
            await Uuid(i, model.CalendarId);
            await i.WriteAsync(date, NpgsqlDbType.Date, cancellationToken);
            await Text(i, "holiday " + date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        });
        await CopyAsync("schedules", "id, site_id, name, definition, created_at, updated_at", model.Schedules, async (i, s) =>
        {
            await Uuid(i, s.Id);
            await Uuid(i, model.SiteId);
            await Text(i, s.Name);
            await i.WriteAsync(s.Definition, NpgsqlDbType.Jsonb, cancellationToken);
            await Stamps(i);
        });
        await CopyAsync("schedule_calendars", "schedule_id, calendar_id", [.. model.Schedules.Where(s => s.UsesCalendar)], async (i, s) =>
        {
            await Uuid(i, s.Id);
            await Uuid(i, model.CalendarId);
        });
        await CopyAsync("groups", "id, name, active, created_at, updated_at", model.Groups, async (i, g) =>
        {
            await Uuid(i, g.Id);
            await Text(i, g.Name);
            await Bool(i, g.Active);
            await Stamps(i);
        });
        await CopyAsync("group_nestings", "parent_id, child_id, created_at", [.. model.Groups.Where(g => g.Parent >= 0)], async (i, g) =>
        {
            await Uuid(i, model.Groups[g.Parent].Id);
            await Uuid(i, g.Id);
            await Time(i, now);
        });
        await CopyAsync("people", "id, display_name, email, external_id, active, created_at, updated_at", model.People, async (i, p) =>
        {
            var key = p.Id.ToString("N")[..12];
            await Uuid(i, p.Id);
            await Text(i, "Person " + key);
            await Text(i, key + "@bench.example");
            await Text(i, "hr-" + key);
            await Bool(i, p.Active);
            await Stamps(i);
        });
        await CopyAsync("cards", "id, person_id, number_hash, last_digits, status, valid_from, valid_to, created_at, updated_at", model.Cards, async (i, c) =>
        {
            await Uuid(i, c.Id);
            await Uuid(i, model.People[c.Person].Id);
            await i.WriteAsync(c.NumberHash, NpgsqlDbType.Bytea, cancellationToken);
            await Text(i, c.LastDigits);
            await Small(i, c.Status);
            await Time(i, c.ValidFrom);
            await Time(i, c.ValidTo);
            await Stamps(i);
        });
        await CopyAsync("memberships", "id, person_id, group_id, role_title, valid_from, valid_to, created_at, updated_at", model.Memberships, async (i, m) =>
        {
            await Uuid(i, m.Id);
            await Uuid(i, model.People[m.Person].Id);
            await Uuid(i, model.Groups[m.Group].Id);
            await Text(i, m.RoleTitle);
            await Time(i, m.ValidFrom);
            await Time(i, m.ValidTo);
            await Stamps(i);
        });
        await CopyAsync("access_schemes", "id, site_id, group_id, schedule_id, name, requires_pin, valid_from, valid_to, created_at, updated_at", model.Schemes, async (i, s) =>
        {
            await Uuid(i, s.Id);
            await Uuid(i, model.SiteId);
            await Uuid(i, model.Groups[s.Group].Id);
            await Uuid(i, model.Schedules[s.Schedule].Id);
            await Text(i, s.Name);
            await Bool(i, s.RequiresPin);
            await Time(i, s.ValidFrom);
            await Time(i, s.ValidTo);
            await Stamps(i);
        });
        await CopyAsync("access_scheme_doors", "scheme_id, door_id", [.. model.Schemes.SelectMany(s => s.Doors.Select(d => (s.Id, Door: model.Doors[d].Id)))], async (i, sd) =>
        {
            await Uuid(i, sd.Id);
            await Uuid(i, sd.Door);
        });
        await CopyAsync("direct_grants", "id, person_id, door_id, schedule_id, requires_pin, valid_from, valid_to, reason, created_at, updated_at", model.Grants, async (i, g) =>
        {
            await Uuid(i, g.Id);
            await Uuid(i, model.People[g.Person].Id);
            await Uuid(i, model.Doors[g.Door].Id);
            await Uuid(i, model.Schedules[g.Schedule].Id);
            await Bool(i, g.RequiresPin);
            await Time(i, g.ValidFrom);
            await Time(i, g.ValidTo);
            await Text(i, "bench");
            await Stamps(i);
        });

        // The hub creates a site's feed head in the transaction that creates the site.
        var started = Stopwatch.GetTimestamp();
        await using (var head = new NpgsqlCommand("INSERT INTO feed_heads (site_id, head, horizon, updated_at) VALUES ($1, 0, 0, $2)", connection))
        {
            head.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = model.SiteId });
            head.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            await head.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE", connection))
        {
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        timings.Add(("feed head + ANALYZE", 1, Stopwatch.GetElapsedTime(started)));
        return timings;
    }
}
