using Npgsql;

namespace EdgeAccess.Cloud.Outbox;

/// <summary>
/// The dispatcher's SQL on <c>outbox_messages</c>. Every state change after a claim is fenced by
/// (<c>locked_by</c>, <c>attempts</c>): a worker whose lease expired and was taken over by another
/// claim cannot complete, fail or release the newer attempt.
/// </summary>
internal sealed class OutboxStore(NpgsqlDataSource dataSource)
{
    private const string Pending = "completed_at IS NULL AND failed_at IS NULL";

    /// <summary>
    /// Claims up to <paramref name="limit"/> due messages of <paramref name="topics"/> for
    /// <paramref name="instance"/> until <paramref name="leaseUntil"/>. Rows another dispatcher is
    /// claiming right now are skipped (SKIP LOCKED, https://www.postgresql.org/docs/15/sql-select.html#SQL-FOR-UPDATE-SHARE);
    /// a message waits while an older pending message has its ordering key.
    /// </summary>
    public async Task<IReadOnlyList<OutboxDelivery>> ClaimAsync(string instance, string[] topics, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH due AS (
                SELECT m.id FROM outbox_messages m
                WHERE m.completed_at IS NULL AND m.failed_at IS NULL
                  AND m.next_attempt_at <= $2
                  AND (m.locked_until IS NULL OR m.locked_until <= $2)
                  AND m.topic = ANY($5)
                  AND (m.key IS NULL OR NOT EXISTS (
                      SELECT 1 FROM outbox_messages e
                      WHERE e.key = m.key AND e.completed_at IS NULL AND e.failed_at IS NULL
                        AND (e.created_at, e.id) < (m.created_at, m.id)))
                ORDER BY m.next_attempt_at, m.id
                LIMIT $4
                FOR UPDATE OF m SKIP LOCKED
            )
            UPDATE outbox_messages o
            SET attempts = o.attempts + 1, locked_by = $1, locked_until = $3
            FROM due WHERE o.id = due.id
            RETURNING o.id, o.topic, o.key, o.payload::text, o.attempts, o.created_at, o.due_at
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = instance });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = leaseUntil });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = topics });
        var claimed = new List<OutboxDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new OutboxDelivery(
                reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return claimed;
    }

    /// <summary>Marks a claimed message completed; false when the lease was lost to another claim.</summary>
    public Task<bool> CompleteAsync(OutboxDelivery message, string instance, DateTimeOffset now, CancellationToken cancellationToken) =>
        FencedAsync("completed_at = $3, locked_by = NULL, locked_until = NULL, last_error = NULL", message, instance, now, null, cancellationToken);

    /// <summary>Schedules the next attempt at <paramref name="next"/>, keeping <paramref name="error"/>.</summary>
    public Task<bool> RetryAsync(OutboxDelivery message, string instance, DateTimeOffset next, string error, CancellationToken cancellationToken) =>
        FencedAsync("next_attempt_at = $3, locked_by = NULL, locked_until = NULL, last_error = $4", message, instance, next, error, cancellationToken);

    /// <summary>Dead-letters the message with <paramref name="error"/>.</summary>
    public Task<bool> DeadLetterAsync(OutboxDelivery message, string instance, DateTimeOffset now, string error, CancellationToken cancellationToken) =>
        FencedAsync("failed_at = $3, locked_by = NULL, locked_until = NULL, last_error = $4", message, instance, now, error, cancellationToken);

    /// <summary>Gives a claim back at shutdown: claimable again at once, the attempt not counted.</summary>
    public Task<bool> ReleaseAsync(OutboxDelivery message, string instance, DateTimeOffset now, CancellationToken cancellationToken) =>
        FencedAsync("attempts = attempts - 1, locked_by = NULL, locked_until = NULL, next_attempt_at = LEAST(next_attempt_at, $3)", message, instance, now, null, cancellationToken);

    /// <summary>
    /// When the next pending message of <paramref name="topics"/> becomes claimable (due, backoff
    /// over, lease expired) after <paramref name="now"/>; null when none is waiting.
    /// </summary>
    public async Task<DateTimeOffset?> NextWakeAsync(string[] topics, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT min(GREATEST(next_attempt_at, COALESCE(locked_until, next_attempt_at)))
            FROM outbox_messages
            WHERE {Pending} AND topic = ANY($1) AND GREATEST(next_attempt_at, COALESCE(locked_until, next_attempt_at)) > $2
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = topics });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime value
            ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc))
            : null;
    }

    /// <summary>Per topic: ready (due) messages, scheduled ones, and the due time of the oldest ready one.</summary>
    public async Task<IReadOnlyList<(string Topic, long Ready, long Scheduled, DateTimeOffset? OldestDue)>> StatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT topic,
                   count(*) FILTER (WHERE next_attempt_at <= $1),
                   count(*) FILTER (WHERE next_attempt_at > $1),
                   min(due_at) FILTER (WHERE next_attempt_at <= $1)
            FROM outbox_messages WHERE {Pending} GROUP BY topic
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        var result = new List<(string, long, long, DateTimeOffset?)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return result;
    }

    private async Task<bool> FencedAsync(string set, OutboxDelivery message, string instance, DateTimeOffset at, string? error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE outbox_messages SET {set} WHERE id = $1 AND locked_by = $2 AND attempts = $5 AND {Pending}");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = message.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = instance });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = message.Attempt });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
