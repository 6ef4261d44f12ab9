using EdgeAccess.Edge.Replica.Internal;

namespace EdgeAccess.Edge.Replica;

public sealed partial class EventJournal
{
    /// <summary>
    /// Appends an event and returns its sequence number once the entry is on disk
    /// (synchronous=FULL: the WAL is fsynced at commit).
    /// </summary>
    /// <remarks>
    /// Capacity policy. Unacknowledged entries are security events the hub has not seen, so they are
    /// never dropped. When the journal holds <see cref="ReplicaOptions.JournalCapacity"/> entries,
    /// the oldest acknowledged ones (already at the hub) make room. Unacknowledged entries may grow
    /// to <see cref="HardLimit"/> (twice the capacity); beyond that the append fails with
    /// <see cref="JournalFullException"/>, so the caller knows the event was not recorded. The
    /// near-full alarm (<see cref="IsNearFull"/>, the gauge <c>edgeaccess.journal.fill_ratio</c> and a
    /// warning log) is raised at <see cref="ReplicaOptions.JournalAlarmRatio"/> of the capacity.
    /// </remarks>
    public async Task<long> AppendAsync(string kind, byte[] payload, DateTimeOffset occurredAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(payload);
        long appended;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (UnacknowledgedCount >= HardLimit)
            {
                ReplicaLog.JournalRejected(_logger, UnacknowledgedCount, HardLimit, kind);
                throw new JournalFullException(UnacknowledgedCount, HardLimit);
            }

            var connection = Connection;
            var seq = LastSequence + 1;
            var dropped = 0;
            using (var transaction = connection.BeginTransaction())
            {
                var acknowledged = Count - UnacknowledgedCount;
                if (Count >= _options.JournalCapacity && acknowledged > 0)
                {
                    var excess = Math.Min(Count - _options.JournalCapacity + 1, acknowledged);
                    dropped = Execute(connection, transaction,
                        "DELETE FROM journal WHERE seq IN (SELECT seq FROM journal WHERE acked = 1 ORDER BY seq LIMIT $n)", excess);
                }

                // The high-water mark moves in the same transaction, so pruning can never make a
                // number reappear (max(seq) of the table would, once the newest entry is pruned).
                Execute(connection, transaction, "UPDATE journal_head SET last_seq = $n WHERE id = 1", seq);
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO journal (seq, occurred_at, kind, payload, acked) VALUES ($seq, $at, $kind, $payload, 0)";
                insert.Parameters.AddWithValue("$seq", seq);
                insert.Parameters.AddWithValue("$at", occurredAt.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$kind", kind);
                insert.Parameters.AddWithValue("$payload", payload);
                insert.ExecuteNonQuery();
                transaction.Commit();
            }

            LastSequence = seq;
            appended = seq;
            Count += 1 - dropped;
            UnacknowledgedCount++;
            if (dropped > 0)
            {
                ReplicaLog.JournalDroppedAcknowledged(_logger, dropped);
            }

            UpdateAlarm();
        }
        finally
        {
            _gate.Release();
        }

        // Outside the gate: a handler (the uploader) may read the journal at once.
        Appended?.Invoke(this, EventArgs.Empty);
        return appended;
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
