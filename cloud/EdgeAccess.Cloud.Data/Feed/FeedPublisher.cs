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
/// sites cannot deadlock. Call this as the last step before commit to keep the lock short: a small
/// publish (a booking, one person's change) locks and writes in one round trip (see
/// <c>FeedPublisher.Direct.cs</c>); a large one stages its changes with COPY before taking the lock.
/// </remarks>
public static partial class FeedPublisher
{
    // Npgsql's 30 s default is too short for a full compile of a large site on a busy host.
    private static readonly TimeSpan LargePublishTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The LISTEN/NOTIFY channel; the payload is <c>site-id:head</c>.</summary>
    public const string NotifyChannel = "edgeaccess_feed";

    /// <summary>Applies and appends <paramref name="changes"/>; returns the positions per site.</summary>
    public static Task<IReadOnlyList<AppendedRange>> PublishAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<ReplicaChange> changes,
        DateTimeOffset now,
        CancellationToken cancellationToken) =>
        PublishAsync(connection, transaction, changes, now, direct: changes.Count <= DirectLimit, cancellationToken);

    /// <summary>As above, the direct or the staged way (both write the same; tests compare them).</summary>
    internal static async Task<IReadOnlyList<AppendedRange>> PublishAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<ReplicaChange> changes,
        DateTimeOffset now,
        bool direct,
        CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return [];
        }

        using var activity = DataTelemetry.ActivitySource.StartActivity("feed.publish");

        // Each change gets its ordinal within its site (1..n, in the caller's order, which is the
        // order readers will see); its position is the site's allocated base + ordinal.
        var ordinals = new long[changes.Count];
        var counts = new Dictionary<Guid, long>();
        for (var i = 0; i < changes.Count; i++)
        {
            counts[changes[i].SiteId] = ordinals[i] = counts.GetValueOrDefault(changes[i].SiteId) + 1;
        }

        // The state tables take only the last change to each record; the feed keeps them all.
        var final = new bool[changes.Count];
        var seen = new HashSet<(Guid, RecordKind, Guid, Guid?)>();
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            var c = changes[i];
            final[i] = seen.Add((c.Kind == RecordKind.Right ? Guid.Empty : c.SiteId, c.Kind, c.EntityId, c.DoorId));
        }

        var ranges = direct
            ? await AppendDirectAsync(connection, transaction, changes, ordinals, counts, final, now, cancellationToken).ConfigureAwait(false)
            : await AppendStagedAsync(connection, transaction, changes, ordinals, counts, final, now, cancellationToken).ConfigureAwait(false);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("edgeaccess.feed.sites", ranges.Count);
            activity.SetTag("edgeaccess.feed.entries", changes.Count);
        }

        DataTelemetry.FeedAppended.Add(changes.Count);
        return ranges;
    }

    /// <summary>
    /// A large publish (a full compile, a group change reaching thousands of people): the changes
    /// are staged with binary COPY into a temporary table before any feed lock is taken, then
    /// positioned and applied set-wise.
    /// </summary>
    private static async Task<List<AppendedRange>> AppendStagedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<ReplicaChange> changes,
        long[] ordinals,
        Dictionary<Guid, long> counts,
        bool[] final,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // 1. Stage the changes with binary COPY before taking any feed lock.
        await ExecuteAsync(connection, transaction, """
            CREATE TEMP TABLE IF NOT EXISTS feed_staging (
                site_id uuid, ordinal bigint, kind smallint, entity_id uuid, door_id uuid,
                person_id uuid, payload bytea, final boolean) ON COMMIT DROP
            """, cancellationToken).ConfigureAwait(false);
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY feed_staging (site_id, ordinal, kind, entity_id, door_id, person_id, payload, final) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            // A publish of a million rights is legitimate (a full compile): allow it time.
            importer.Timeout = LargePublishTimeout;
            for (var i = 0; i < changes.Count; i++)
            {
                var change = changes[i];
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(change.SiteId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(ordinals[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
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

                await importer.WriteAsync(final[i], NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        // 2. Allocate positions per site, locking the heads in a fixed (site id) order. From here
        // to commit the heads stay locked, so everything after this point is kept short.
        var ranges = new List<AppendedRange>(counts.Count);
        foreach (var (site, count) in counts.OrderBy(c => c.Key))
        {
            await using var allocate = new NpgsqlCommand(
                "UPDATE feed_heads SET head = head + $2, updated_at = $3 WHERE site_id = $1 RETURNING head", connection, transaction);
            allocate.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = site });
            allocate.Parameters.Add(new NpgsqlParameter<long> { TypedValue = count });
            allocate.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            var head = await allocate.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Site {site} has no feed head; was it created through the hub?");
            ranges.Add(new AppendedRange(site, (long)head - count + 1, (long)head));
        }

        // 3. One round trip: the feed entries, then the state tables, where the last change to each
        // record (the "final" one) decides whether it ends up present or deleted. A large staging
        // table is analysed first: a temp table has no statistics, and the joins need them.
        var right = (short)RecordKind.Right;
        const string Positioned = "(SELECT s.*, s.ordinal + b.base - 1 AS position FROM feed_staging s JOIN unnest($1::uuid[], $2::bigint[]) b(site_id, base) ON b.site_id = s.site_id)";
        NpgsqlParameter[] Bases() =>
        [
            new NpgsqlParameter<Guid[]> { TypedValue = ranges.Select(r => r.SiteId).ToArray() },
            new NpgsqlParameter<long[]> { TypedValue = ranges.Select(r => r.First).ToArray() },
        ];
        await using (var apply = new NpgsqlBatch(connection, transaction) { Timeout = (int)LargePublishTimeout.TotalSeconds })
        {
            if (changes.Count >= 1_000)
            {
                apply.BatchCommands.Add(new NpgsqlBatchCommand("ANALYZE feed_staging"));
            }

            var insertFeed = new NpgsqlBatchCommand($"""
                INSERT INTO feed_entries (site_id, position, kind, entity_id, door_id, deleted, payload, committed_at)
                SELECT site_id, position, kind, entity_id, door_id, payload IS NULL, payload, $3 FROM {Positioned} p
                """);
            insertFeed.Parameters.AddRange(Bases());
            insertFeed.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            apply.BatchCommands.Add(insertFeed);
            apply.BatchCommands.Add(new NpgsqlBatchCommand($"""
                DELETE FROM effective_rights e USING feed_staging s
                WHERE s.final AND s.kind = {right} AND s.payload IS NULL AND e.card_id = s.entity_id AND e.door_id = s.door_id
                """));
            var upsertRights = new NpgsqlBatchCommand($"""
                INSERT INTO effective_rights (site_id, card_id, door_id, person_id, terms, position)
                SELECT site_id, entity_id, door_id, person_id, payload, position
                FROM {Positioned} p WHERE final AND kind = {right} AND payload IS NOT NULL
                ON CONFLICT (card_id, door_id) DO UPDATE SET site_id = excluded.site_id,
                    person_id = excluded.person_id, terms = excluded.terms, position = excluded.position
                """);
            upsertRights.Parameters.AddRange(Bases());
            apply.BatchCommands.Add(upsertRights);
            apply.BatchCommands.Add(new NpgsqlBatchCommand($"""
                DELETE FROM replica_records r USING feed_staging s
                WHERE s.final AND s.kind <> {right} AND s.payload IS NULL
                  AND r.site_id = s.site_id AND r.kind = s.kind AND r.entity_id = s.entity_id
                """));
            var upsertRecords = new NpgsqlBatchCommand($"""
                INSERT INTO replica_records (site_id, kind, entity_id, payload, position)
                SELECT site_id, kind, entity_id, payload, position
                FROM {Positioned} p WHERE final AND kind <> {right} AND payload IS NOT NULL
                ON CONFLICT (site_id, kind, entity_id) DO UPDATE SET payload = excluded.payload, position = excluded.position
                """);
            upsertRecords.Parameters.AddRange(Bases());
            apply.BatchCommands.Add(upsertRecords);
            apply.BatchCommands.Add(new NpgsqlBatchCommand("TRUNCATE feed_staging"));
            await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // 4. Wake every hub instance tailing these sites once the transaction commits.
        foreach (var range in ranges)
        {
            await ExecuteAsync(connection, transaction, $"SELECT pg_notify('{NotifyChannel}', $1)", cancellationToken, $"{range.SiteId}:{range.Last}").ConfigureAwait(false);
        }

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
