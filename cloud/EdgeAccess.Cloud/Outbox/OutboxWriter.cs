using System.Text.Json;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using Npgsql;
using NpgsqlTypes;

namespace EdgeAccess.Cloud.Outbox;

/// <summary>
/// Enqueues outbox messages inside the caller's transaction, so a message exists if and only if
/// the change that caused it committed. A trigger NOTIFYs the dispatchers on commit (0009_outbox.sql).
/// </summary>
/// <remarks>
/// Dedupe: pass a deterministic <see cref="OutboxMessage.Id"/> (e.g. a name-based UUID of the booking
/// and the purpose); the raw-SQL path then skips a message whose id exists (<c>ON CONFLICT DO NOTHING</c>),
/// while EF Core's <c>SaveChanges</c> fails on it. Scheduled messages (reminders, no-show releases)
/// are not withdrawn when plans change: their handler re-reads the current state when it runs.
/// </remarks>
public static class OutboxWriter
{
    /// <summary>The JSON options payloads are written and read with (web defaults: camelCase).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>A new message for <paramref name="topic"/> with <paramref name="payload"/> serialized as JSON.</summary>
    public static OutboxMessage Create<T>(string topic, T payload, string? key = null, DateTimeOffset? dueAt = null) => new()
    {
        Id = Guid.CreateVersion7(),
        Topic = topic,
        Key = key,
        Payload = JsonSerializer.Serialize(payload, JsonOptions),
        DueAt = dueAt ?? default,
    };

    /// <summary>
    /// Adds <paramref name="message"/> to <paramref name="db"/>; it is written (and dispatched) only
    /// when the caller's <c>SaveChanges</c> (and its transaction, if any) commits.
    /// </summary>
    public static OutboxMessage Enqueue(HubDbContext db, OutboxMessage message, TimeProvider? time = null)
    {
        Prepare(message, time);
        db.OutboxMessages.Add(message);
        return message;
    }

    /// <summary>Shorthand for <see cref="Create"/> then <see cref="Enqueue(HubDbContext, OutboxMessage, TimeProvider?)"/>.</summary>
    public static OutboxMessage Enqueue<T>(HubDbContext db, string topic, T payload, string? key = null, DateTimeOffset? dueAt = null, TimeProvider? time = null) =>
        Enqueue(db, Create(topic, payload, key, dueAt), time);

    /// <summary>
    /// Inserts <paramref name="message"/> on the caller's connection and transaction. False when a
    /// message with its id already exists (a deterministic id dedupes).
    /// </summary>
    public static async Task<bool> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxMessage message, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        Prepare(message, time);
        await using var command = new NpgsqlCommand("""
            INSERT INTO outbox_messages (id, topic, key, payload, created_at, due_at, attempts, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, 0, $6)
            ON CONFLICT (id) DO NOTHING
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = message.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message.Topic });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)message.Key ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message.Payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = message.CreatedAt });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = message.DueAt });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Shorthand for <see cref="Create"/> then <see cref="EnqueueAsync(NpgsqlConnection, NpgsqlTransaction, OutboxMessage, TimeProvider?, CancellationToken)"/>.</summary>
    public static async Task<OutboxMessage> EnqueueAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string topic, T payload, string? key = null, DateTimeOffset? dueAt = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var message = Create(topic, payload, key, dueAt);
        await EnqueueAsync(connection, transaction, message, time, cancellationToken).ConfigureAwait(false);
        return message;
    }

    private static void Prepare(OutboxMessage message, TimeProvider? time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message.Topic);
        ArgumentNullException.ThrowIfNull(message.Payload);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        if (message.Id == Guid.Empty)
        {
            message.Id = Guid.CreateVersion7(now);
        }

        if (message.CreatedAt == default)
        {
            message.CreatedAt = now;
        }

        if (message.DueAt == default)
        {
            message.DueAt = message.CreatedAt;
        }

        message.Attempts = 0;
        message.NextAttemptAt = message.DueAt;
        message.LockedBy = null;
        message.LockedUntil = null;
        message.CompletedAt = null;
        message.FailedAt = null;
        message.LastError = null;
    }
}
