using EdgeAccess.Cloud.Data.Entities;
using Npgsql;
using NpgsqlTypes;

namespace EdgeAccess.Cloud.Data.Feed;

/// <summary>
/// Applies changes to the replicated state (<c>replica_records</c>, <c>effective_rights</c>) and
/// appends them to each site's feed, inside the caller's transaction.
/// </summary>
/// <remarks>
/// Positions come from the site's <c>feed_heads</c> row: <c>UPDATE … SET head = head + n</c> takes
/// that row's lock and keeps it until the transaction ends. A second writer for the same site waits
/// at that point, so positions of one site commit strictly in order and a reader of
/// <c>position &gt; cursor</c> can never see position p+1 before p — the failure of feeds keyed on a
/// sequence or clock, where a later number commits first and a reader's cursor jumps past an
/// earlier one still in flight. Sites are locked in id order, so two writers touching the same
/// sites cannot deadlock. Call this as the last step before commit to keep the lock short.
/// </remarks>
public static class FeedPublisher
{
    /// <summary>The LISTEN/NOTIFY channel; the payload is <c>site-id:head</c>.</summary>
    public const string NotifyChannel = "edgeaccess_feed";

    /// <summary>Applies and appends <paramref name="changes"/>; returns the positions per site.</summary>
    public static async Task<IReadOnlyList<AppendedRange>> PublishAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<ReplicaChange> changes,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return [];
        }

        using var activity = DataTelemetry.ActivitySource.StartActivity("feed.publish");
        var bySite = changes.GroupBy(c => c.SiteId).OrderBy(g => g.Key).ToList();
        var ranges = new List<AppendedRange>(bySite.Count);
        var positions = new long[changes.Count];

        // 1. Allocate positions per site, locking the heads in a fixed order.
        var startBySite = new Dictionary<Guid, long>();
        foreach (var site in bySite)
        {
            var count = site.LongCount();
            await using var allocate = new NpgsqlCommand(
                "UPDATE feed_heads SET head = head + $2, updated_at = $3 WHERE site_id = $1 RETURNING head", connection, transaction);
            allocate.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = site.Key });
            allocate.Parameters.Add(new NpgsqlParameter<long> { TypedValue = count });
            allocate.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            var head = await allocate.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Site {site.Key} has no feed head; was it created through the hub?");
            var last = (long)head;
            startBySite[site.Key] = last - count + 1;
            ranges.Add(new AppendedRange(site.Key, last - count + 1, last));
        }

        // Positions follow the order of the changes within each site, so the per-entity order the
        // caller produced is the order readers see.
        var next = new Dictionary<Guid, long>(startBySite);
        for (var i = 0; i < changes.Count; i++)
        {
            positions[i] = next[changes[i].SiteId]++;
        }

        // 2. Stage the changes with binary COPY, then apply them set-wise.
        await ExecuteAsync(connection, transaction, """
            CREATE TEMP TABLE IF NOT EXISTS feed_staging (
                site_id uuid, position bigint, kind smallint, entity_id uuid, door_id uuid,
                person_id uuid, payload bytea) ON COMMIT DROP
            """, cancellationToken).ConfigureAwait(false);
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY feed_staging (site_id, position, kind, entity_id, door_id, person_id, payload) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < changes.Count; i++)
            {
                var change = changes[i];
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(change.SiteId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(positions[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync((short)change.Kind, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(change.EntityId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, change.DoorId, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, change.PersonId, cancellationToken).ConfigureAwait(false);
                if (change.Payload is null)
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteAsync(change.Payload, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        // One round trip: the feed entries, then the state tables, where the last change to each
        // record (highest position) decides whether it ends up present or deleted.
        var right = (short)RecordKind.Right;
        await using (var apply = new NpgsqlBatch(connection, transaction))
        {
            apply.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO feed_entries (site_id, position, kind, entity_id, door_id, deleted, payload, committed_at)
                SELECT site_id, position, kind, entity_id, door_id, payload IS NULL, payload, $1 FROM feed_staging
                """) { Parameters = { new NpgsqlParameter<DateTimeOffset> { TypedValue = now } } });
            apply.BatchCommands.Add(new NpgsqlBatchCommand($"""
                DELETE FROM effective_rights e
                USING (SELECT DISTINCT ON (entity_id, door_id) entity_id, door_id, payload FROM feed_staging
                       WHERE kind = {right} ORDER BY entity_id, door_id, position DESC) s
                WHERE s.payload IS NULL AND e.card_id = s.entity_id AND e.door_id = s.door_id
                """));
            apply.BatchCommands.Add(new NpgsqlBatchCommand($"""
                INSERT INTO effective_rights (site_id, card_id, door_id, person_id, terms, position)
                SELECT DISTINCT ON (entity_id, door_id) site_id, entity_id, door_id, person_id, payload, position
                FROM feed_staging WHERE kind = {right} AND payload IS NOT NULL
                ORDER BY entity_id, door_id, position DESC
                ON CONFLICT (card_id, door_id) DO UPDATE SET site_id = excluded.site_id,
                    person_id = excluded.person_id, terms = excluded.terms, position = excluded.position
                """));
            apply.BatchCommands.Add(new NpgsqlBatchCommand($"""
                DELETE FROM replica_records r
                USING (SELECT DISTINCT ON (site_id, kind, entity_id) site_id, kind, entity_id, payload FROM feed_staging
                       WHERE kind <> {right} ORDER BY site_id, kind, entity_id, position DESC) s
                WHERE s.payload IS NULL AND r.site_id = s.site_id AND r.kind = s.kind AND r.entity_id = s.entity_id
                """));
            apply.BatchCommands.Add(new NpgsqlBatchCommand($"""
                INSERT INTO replica_records (site_id, kind, entity_id, payload, position)
                SELECT DISTINCT ON (site_id, kind, entity_id) site_id, kind, entity_id, payload, position
                FROM feed_staging WHERE kind <> {right} AND payload IS NOT NULL
                ORDER BY site_id, kind, entity_id, position DESC
                ON CONFLICT (site_id, kind, entity_id) DO UPDATE SET payload = excluded.payload, position = excluded.position
                """));
            apply.BatchCommands.Add(new NpgsqlBatchCommand("TRUNCATE feed_staging"));
            await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // 3. Wake every hub instance tailing these sites once the transaction commits.
        foreach (var range in ranges)
        {
            await ExecuteAsync(connection, transaction, $"SELECT pg_notify('{NotifyChannel}', $1)", cancellationToken, $"{range.SiteId}:{range.Last}").ConfigureAwait(false);
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("edgeaccess.feed.sites", ranges.Count);
            activity.SetTag("edgeaccess.feed.entries", changes.Count);
        }

        DataTelemetry.FeedAppended.Add(changes.Count);
        return ranges;
    }

    /// <summary>Creates the feed head of a new site (inside the transaction creating the site).</summary>
    public static async Task CreateHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid siteId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "INSERT INTO feed_heads (site_id, head, horizon, updated_at) VALUES ($1, 0, 0, $2) ON CONFLICT DO NOTHING",
            cancellationToken, siteId, now).ConfigureAwait(false);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter importer, Guid? value, CancellationToken cancellationToken)
    {
        if (value is { } id)
        {
            await importer.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
