using System.Diagnostics;
using EdgeAccess.Protos.V1;
using Npgsql;
using NpgsqlTypes;

namespace EdgeAccess.Cloud.Journal;

/// <summary>
/// Stores the edge nodes' journals in <c>edge_events</c> (migration 0006) with raw Npgsql: a whole
/// upload batch is one INSERT of one array per column (<c>unnest</c>), so a 1,000-event batch is one
/// round trip and one transaction. Idempotent by node and seq (<c>ON CONFLICT DO NOTHING</c>): a
/// batch sent again after a lost ack is counted as duplicates and changes nothing, also when its
/// content differs (the first stored event wins). The card's holder is looked up in <c>cards</c>
/// by the same statement, so the journal names the person as of receipt.
/// </summary>
/// <remarks>
/// A batch holding kinds the hub reacts to (<see cref="JournalKinds.Reactive"/>: lab warnings and
/// maintenance) is stored in a transaction with its reactions (<see cref="LabReactions"/>), so a
/// reaction happens exactly when its event is first stored: never for a re-sent duplicate, never
/// lost to a crash between the two. Other batches stay one statement.
/// </remarks>
internal sealed class JournalStore(NpgsqlDataSource dataSource, LabReactions reactions, ILogger<JournalStore> logger)
{
    private static readonly string[] ReactiveKinds = [.. JournalKinds.Reactive];

    // The insert and the ack in one statement: a CTE's inserted rows are not visible to the rest of
    // the statement (PostgreSQL docs, "Data-Modifying Statements in WITH"), so the ack is the
    // larger of the maximum stored before and the maximum inserted now. The last row (kind NULL)
    // carries the former; the others count the inserted events per kind, and for the kinds the hub
    // reacts to ($13) list their seqs, so only newly stored events cause a reaction. A lab event's
    // person comes from its payload ($12), a door decision's from its card's holder.
    private const string StoreSql = """
        WITH input AS (
            SELECT * FROM unnest($3::bigint[], $4::timestamptz[], $5::text[], $6::uuid[], $7::uuid[], $8::boolean[], $9::text[], $10::bytea[], $12::uuid[])
                AS u (seq, occurred_at, kind, door_id, card_id, granted, reason, payload, person_id)
        ), inserted AS (
            INSERT INTO edge_events (node_id, seq, site_id, kind, occurred_at, received_at, door_id, card_id, person_id, granted, reason, payload)
            SELECT $1, u.seq, $2, u.kind, u.occurred_at, $11, u.door_id, u.card_id, COALESCE(c.person_id, u.person_id), u.granted, u.reason, u.payload
            FROM input u LEFT JOIN cards c ON c.id = u.card_id
            ON CONFLICT (node_id, seq) DO NOTHING
            RETURNING seq, kind
        )
        SELECT kind, count(*)::integer, max(seq), CASE WHEN kind = ANY($13) THEN array_agg(seq) END FROM inserted GROUP BY kind
        UNION ALL
        SELECT NULL, 0, max(seq), NULL FROM edge_events WHERE node_id = $1
        """;

    private const string StoredThroughSql = "SELECT coalesce(max(seq), 0) FROM edge_events WHERE node_id = $1";

    /// <summary>
    /// Stores <paramref name="events"/> (one <c>JournalUpload</c> of node <paramref name="nodeId"/>,
    /// which serves site <paramref name="siteId"/>) and returns the highest seq now stored for the
    /// node: the <c>JournalAck.through_seq</c> to answer. An empty batch stores nothing and answers
    /// the current ack. Seqs must ascend within a batch; across batches gaps are accepted (a node
    /// whose journal was replaced continues above the hub's ack), so the ack is the highest seq
    /// held, not a gap-free prefix.
    /// </summary>
    /// <exception cref="JournalRejectedException">The batch is malformed; nothing was stored. Answer INVALID_ARGUMENT (<see cref="JournalRejectedException.ToRpcException"/>).</exception>
    public async Task<long> StoreAsync(string nodeId, Guid siteId, IReadOnlyList<JournalEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return await StoredThroughAsync(nodeId, cancellationToken);
        }

        JournalBatch batch;
        try
        {
            batch = JournalBatch.Read(events);
        }
        catch (JournalRejectedException ex)
        {
            JournalLog.BatchRejected(logger, nodeId, ex.Message);
            throw;
        }

        using var activity = CloudTelemetry.ActivitySource.StartActivity("journal.store");
        if (activity?.IsAllDataRequested == true)
        {
            activity.SetTag("edgeaccess.node.id", nodeId);
            activity.SetTag("edgeaccess.journal.events", events.Count);
            activity.SetTag("edgeaccess.journal.first_seq", batch.Seqs[0]);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = batch.HasReactions ? await connection.BeginTransactionAsync(cancellationToken) : null;
        await using var command = new NpgsqlCommand(StoreSql, connection, transaction);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        p.Add(new NpgsqlParameter<Guid> { TypedValue = siteId });
        p.Add(new NpgsqlParameter<long[]> { TypedValue = batch.Seqs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter<DateTime[]> { TypedValue = batch.OccurredAt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<Guid?[]> { TypedValue = batch.DoorIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter<Guid?[]> { TypedValue = batch.CardIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter<bool?[]> { TypedValue = batch.Granted, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = batch.Reasons, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<byte[][]> { TypedValue = batch.Payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = receivedAt });
        p.Add(new NpgsqlParameter<Guid?[]> { TypedValue = batch.PersonIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = ReactiveKinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });

        long through = 0;
        var react = new List<long>();
        var stored = 0;
        var storedByKind = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(2))
                {
                    through = Math.Max(through, reader.GetInt64(2));
                }

                if (!reader.IsDBNull(0))
                {
                    var count = reader.GetInt32(1);
                    var tag = JournalKinds.Tag(reader.GetString(0));
                    storedByKind[tag] = storedByKind.GetValueOrDefault(tag) + count;
                    stored += count;
                    if (!reader.IsDBNull(3))
                    {
                        react.AddRange(reader.GetFieldValue<long[]>(3));
                    }
                }
            }
        }

        if (transaction is not null)
        {
            react.Sort();
            var reacted = await reactions.ApplyAsync(connection, transaction, nodeId, batch, react, receivedAt, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            reactions.Report(nodeId, reacted);
        }

        foreach (var (tag, count) in storedByKind)
        {
            batch.ByKind[tag] = (batch.ByKind[tag].Received, count);
        }

        JournalMetrics.Record(batch.ByKind);
        if (batch.Unreadable > 0)
        {
            JournalLog.PayloadUnreadable(logger, nodeId, batch.Unreadable, batch.FirstUnreadableSeq);
        }

        JournalLog.BatchStored(logger, nodeId, stored, events.Count - stored, through);
        activity?.SetTag("edgeaccess.journal.stored", stored);
        return through;
    }

    /// <summary>The highest seq stored for <paramref name="nodeId"/> (0: none): the ack sent when its stream opens.</summary>
    public async Task<long> StoredThroughAsync(string nodeId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StoredThroughSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
