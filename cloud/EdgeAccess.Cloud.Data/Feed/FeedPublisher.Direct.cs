using EdgeAccess.Cloud.Data.Entities;
using Npgsql;

namespace EdgeAccess.Cloud.Data.Feed;

public static partial class FeedPublisher
{
    /// <summary>
    /// Publishes of at most this many changes go the direct way: the changes travel as array
    /// parameters, with no temporary table. A booking or one person's change is one to a few entries.
    /// </summary>
    internal const int DirectLimit = 500;

    // The changes of a direct publish as rows: c.delta is the ordinal within the site minus the
    // site's count, so position = the site's head after the UPDATE + delta (head - count + ordinal,
    // the same positions the staged path gives). feed_heads is read back inside the transaction
    // that just updated (and locked) those rows, so it shows the new heads.
    private const string InsertEntriesSql = """
        INSERT INTO feed_entries (site_id, position, kind, entity_id, door_id, deleted, payload, committed_at)
        SELECT c.site_id, h.head + c.delta, c.kind, c.entity_id, c.door_id, c.payload IS NULL, c.payload, $7
        FROM unnest($1::uuid[], $2::bigint[], $3::smallint[], $4::uuid[], $5::uuid[], $6::bytea[]) AS c(site_id, delta, kind, entity_id, door_id, payload)
        JOIN feed_heads h ON h.site_id = c.site_id
        """;

    private const string DeleteRightsSql = """
        DELETE FROM effective_rights e USING unnest($1::uuid[], $2::uuid[]) AS d(card_id, door_id)
        WHERE e.card_id = d.card_id AND e.door_id = d.door_id
        """;

    private const string UpsertRightsSql = """
        INSERT INTO effective_rights (site_id, card_id, door_id, person_id, terms, position)
        SELECT c.site_id, c.card_id, c.door_id, c.person_id, c.terms, h.head + c.delta
        FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::uuid[], $5::uuid[], $6::bytea[]) AS c(site_id, delta, card_id, door_id, person_id, terms)
        JOIN feed_heads h ON h.site_id = c.site_id
        ON CONFLICT (card_id, door_id) DO UPDATE SET site_id = excluded.site_id,
            person_id = excluded.person_id, terms = excluded.terms, position = excluded.position
        """;

    private const string DeleteRecordsSql = """
        DELETE FROM replica_records r USING unnest($1::uuid[], $2::smallint[], $3::uuid[]) AS d(site_id, kind, entity_id)
        WHERE r.site_id = d.site_id AND r.kind = d.kind AND r.entity_id = d.entity_id
        """;

    private const string UpsertRecordsSql = """
        INSERT INTO replica_records (site_id, kind, entity_id, payload, position)
        SELECT c.site_id, c.kind, c.entity_id, c.payload, h.head + c.delta
        FROM unnest($1::uuid[], $2::bigint[], $3::smallint[], $4::uuid[], $5::bytea[]) AS c(site_id, delta, kind, entity_id, payload)
        JOIN feed_heads h ON h.site_id = c.site_id
        ON CONFLICT (site_id, kind, entity_id) DO UPDATE SET payload = excluded.payload, position = excluded.position
        """;

    /// <summary>
    /// A small publish in ONE round trip: the heads' UPDATEs (site id order), the feed entries, the
    /// state tables and the notifications go as one batch, so the feed lock is held for the batch
    /// and the caller's commit only. The staged path's temporary table (created, filled, truncated
    /// and dropped in every transaction) cost more than the writes themselves for a few rows.
    /// </summary>
    private static async Task<List<AppendedRange>> AppendDirectAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        IReadOnlyList<ReplicaChange> changes,
        long[] ordinals,
        Dictionary<Guid, long> counts,
        bool[] final,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var sites = counts.Keys.Order().ToList();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var site in sites)
        {
            var allocate = new NpgsqlBatchCommand("UPDATE feed_heads SET head = head + $2, updated_at = $3 WHERE site_id = $1 RETURNING head");
            allocate.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = site });
            allocate.Parameters.Add(new NpgsqlParameter<long> { TypedValue = counts[site] });
            allocate.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            batch.BatchCommands.Add(allocate);
        }

        var all = Enumerable.Range(0, changes.Count).ToList();
        long Delta(int i) => ordinals[i] - counts[changes[i].SiteId];
        Add(batch, InsertEntriesSql,
            Guids(all, i => changes[i].SiteId), Longs(all, Delta), Kinds(all, changes), Guids(all, i => changes[i].EntityId),
            NullableGuids(all, i => changes[i].DoorId), Payloads(all, changes), new NpgsqlParameter<DateTimeOffset> { TypedValue = now });

        // The state tables take only the last change to each record (final), as in the staged path.
        var rights = all.Where(i => final[i] && changes[i].Kind == RecordKind.Right).ToLookup(i => changes[i].Deleted);
        var records = all.Where(i => final[i] && changes[i].Kind != RecordKind.Right).ToLookup(i => changes[i].Deleted);
        if (rights[true].ToList() is { Count: > 0 } removed)
        {
            Add(batch, DeleteRightsSql, Guids(removed, i => changes[i].EntityId), NullableGuids(removed, i => changes[i].DoorId));
        }

        if (rights[false].ToList() is { Count: > 0 } upserted)
        {
            Add(batch, UpsertRightsSql, Guids(upserted, i => changes[i].SiteId), Longs(upserted, Delta), Guids(upserted, i => changes[i].EntityId),
                NullableGuids(upserted, i => changes[i].DoorId), NullableGuids(upserted, i => changes[i].PersonId), Payloads(upserted, changes));
        }

        if (records[true].ToList() is { Count: > 0 } gone)
        {
            Add(batch, DeleteRecordsSql, Guids(gone, i => changes[i].SiteId), Kinds(gone, changes), Guids(gone, i => changes[i].EntityId));
        }

        if (records[false].ToList() is { Count: > 0 } written)
        {
            Add(batch, UpsertRecordsSql, Guids(written, i => changes[i].SiteId), Longs(written, Delta), Kinds(written, changes),
                Guids(written, i => changes[i].EntityId), Payloads(written, changes));
        }

        // Wake every hub instance tailing these sites once the transaction commits ("site-id:head").
        foreach (var site in sites)
        {
            var notify = new NpgsqlBatchCommand($"SELECT pg_notify('{NotifyChannel}', site_id::text || ':' || head) FROM feed_heads WHERE site_id = $1");
            notify.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = site });
            batch.BatchCommands.Add(notify);
        }

        var ranges = new List<AppendedRange>(sites.Count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        foreach (var site in sites)
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"Site {site} has no feed head; was it created through the hub?");
            }

            var head = reader.GetInt64(0);
            ranges.Add(new AppendedRange(site, head - counts[site] + 1, head));
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        // Read to the end, so an error of a later statement surfaces here and not at dispose.
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return ranges;
    }

    private static void Add(NpgsqlBatch batch, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(command);
    }

    // One typed array parameter per column, over the given rows (indexes into the changes).
    private static NpgsqlParameter<Guid[]> Guids(List<int> rows, Func<int, Guid> value) => new() { TypedValue = [.. rows.Select(value)] };

    private static NpgsqlParameter<Guid?[]> NullableGuids(List<int> rows, Func<int, Guid?> value) => new() { TypedValue = [.. rows.Select(value)] };

    private static NpgsqlParameter<long[]> Longs(List<int> rows, Func<int, long> value) => new() { TypedValue = [.. rows.Select(value)] };

    private static NpgsqlParameter<short[]> Kinds(List<int> rows, IReadOnlyList<ReplicaChange> changes) => new() { TypedValue = [.. rows.Select(i => (short)changes[i].Kind)] };

    private static NpgsqlParameter<byte[]?[]> Payloads(List<int> rows, IReadOnlyList<ReplicaChange> changes) => new() { TypedValue = [.. rows.Select(i => changes[i].Payload)] };
}
