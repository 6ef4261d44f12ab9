using EdgeAccess.Edge.Replica.Internal;

namespace EdgeAccess.Edge.Replica;

public sealed partial class EventJournal
{
    /// <summary>
    /// Appends an event and returns its sequence number once the entry is on disk
    /// (synchronous=FULL: the WAL is fsynced at commit).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Group commit. Appends that arrive while another is being written wait and then go to disk
    /// together, in one transaction and one fsync, each answered with its own sequence number:
    /// under a burst of taps (or a flood of invalid cards) every decision stays durable before it
    /// is answered, while the disk sees a fraction of the syncs. A lone append costs one fsync as
    /// before. The first waiter to take the lock writes everyone queued so far.
    /// </para>
    /// <para>
    /// Capacity policy. Unacknowledged entries are security events the hub has not seen, so they are
    /// never dropped. When the journal holds <see cref="ReplicaOptions.JournalCapacity"/> entries,
    /// the oldest acknowledged ones (already at the hub) make room. Unacknowledged entries may grow
    /// to <see cref="HardLimit"/> (twice the capacity); beyond that the append fails with
    /// <see cref="JournalFullException"/>, so the caller knows the event was not recorded. The
    /// near-full alarm (<see cref="IsNearFull"/>, the gauge <c>edgeaccess.journal.fill_ratio</c> and a
    /// warning log) is raised at <see cref="ReplicaOptions.JournalAlarmRatio"/> of the capacity.
    /// </para>
    /// </remarks>
    /// <param name="kind">The event kind, e.g. <c>door.decision</c>.</param>
    /// <param name="payload">The event's message bytes.</param>
    /// <param name="occurredAt">When it happened (the node's clock).</param>
    /// <param name="cancellationToken">Cancels only before the entry is queued; once queued it is written.</param>
    public async Task<long> AppendAsync(string kind, byte[] payload, DateTimeOffset occurredAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(payload);
        cancellationToken.ThrowIfCancellationRequested();
        var append = new PendingAppend(kind, payload, occurredAt);
        _pending.Enqueue(append);
        // Not cancellable from here on: a queued entry may be written by another caller's batch.
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!append.Done.Task.IsCompleted)
            {
                WriteQueued();
            }
        }
        finally
        {
            _gate.Release();
        }

        var seq = await append.Done.Task.ConfigureAwait(false);
        // Outside the gate: a handler (the uploader) may read the journal at once.
        Appended?.Invoke(this, EventArgs.Empty);
        return seq;
    }

    // Writes every queued append in one transaction. Caller holds _gate.
    private void WriteQueued()
    {
        var accepted = new List<PendingAppend>();
        while (_pending.TryDequeue(out var append))
        {
            if (UnacknowledgedCount + accepted.Count >= HardLimit)
            {
                ReplicaLog.JournalRejected(_logger, UnacknowledgedCount + accepted.Count, HardLimit, append.Kind);
                append.Done.TrySetException(new JournalFullException(UnacknowledgedCount + accepted.Count, HardLimit));
            }
            else
            {
                accepted.Add(append);
            }
        }

        if (accepted.Count == 0)
        {
            return;
        }

        var dropped = 0;
        var first = LastSequence + 1;
        try
        {
            var connection = Connection;
            using (var transaction = connection.BeginTransaction())
            {
                var acknowledged = Count - UnacknowledgedCount;
                var excess = Count + accepted.Count - _options.JournalCapacity;
                if (excess > 0 && acknowledged > 0)
                {
                    dropped = Execute(connection, transaction,
                        "DELETE FROM journal WHERE seq IN (SELECT seq FROM journal WHERE acked = 1 ORDER BY seq LIMIT $n)", Math.Min(excess, acknowledged));
                }

                // The high-water mark moves in the same transaction, so pruning can never make a
                // number reappear (max(seq) of the table would, once the newest entry is pruned).
                Execute(connection, transaction, "UPDATE journal_head SET last_seq = $n WHERE id = 1", first + accepted.Count - 1);
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO journal (seq, occurred_at, kind, payload, acked) VALUES ($seq, $at, $kind, $payload, 0)";
                var seq = insert.Parameters.Add("$seq", Microsoft.Data.Sqlite.SqliteType.Integer);
                var at = insert.Parameters.Add("$at", Microsoft.Data.Sqlite.SqliteType.Integer);
                var kind = insert.Parameters.Add("$kind", Microsoft.Data.Sqlite.SqliteType.Text);
                var payload = insert.Parameters.Add("$payload", Microsoft.Data.Sqlite.SqliteType.Blob);
                for (var i = 0; i < accepted.Count; i++)
                {
                    seq.Value = first + i;
                    at.Value = accepted[i].OccurredAt.ToUnixTimeMilliseconds();
                    kind.Value = accepted[i].Kind;
                    payload.Value = accepted[i].Payload;
                    insert.ExecuteNonQuery();
                }

                transaction.Commit();
            }
        }
        catch (Exception ex)
        {
            // Nothing of the batch was written (the transaction rolled back): every caller hears it.
            foreach (var append in accepted)
            {
                append.Done.TrySetException(ex);
            }

            return;
        }

        LastSequence = first + accepted.Count - 1;
        Count += accepted.Count - dropped;
        UnacknowledgedCount += accepted.Count;
        if (dropped > 0)
        {
            ReplicaLog.JournalDroppedAcknowledged(_logger, dropped);
        }

        UpdateAlarm();
        for (var i = 0; i < accepted.Count; i++)
        {
            accepted[i].Done.TrySetResult(first + i);
        }
    }

    /// <summary>An entry waiting for the next group commit.</summary>
    private sealed class PendingAppend(string kind, byte[] payload, DateTimeOffset occurredAt)
    {
        public string Kind { get; } = kind;

        public byte[] Payload { get; } = payload;

        public DateTimeOffset OccurredAt { get; } = occurredAt;

        // Continuations run elsewhere, not under the journal's lock.
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private void UpdateAlarm()
    {
        var nearFull = FillRatio >= _options.JournalAlarmRatio;
        if (nearFull == IsNearFull)
        {
            return;
        }

        IsNearFull = nearFull;
        if (nearFull)
        {
            ReplicaLog.JournalNearFull(_logger, UnacknowledgedCount, _options.JournalCapacity, FillRatio);
        }
        else
        {
            ReplicaLog.JournalAlarmCleared(_logger, UnacknowledgedCount, _options.JournalCapacity);
        }

        NearFullChanged?.Invoke(this, EventArgs.Empty);
    }
}
