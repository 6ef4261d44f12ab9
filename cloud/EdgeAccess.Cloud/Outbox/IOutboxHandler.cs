using System.Text.Json;

namespace EdgeAccess.Cloud.Outbox;

/// <summary>
/// Runs the messages of one topic (register with <c>AddOutboxHandler&lt;T&gt;(topic)</c>; resolved
/// in a fresh DI scope per message). Returning completes the message; throwing retries it with
/// backoff, or dead-letters it after the last attempt or at once for an
/// <see cref="OutboxPermanentException"/>.
/// </summary>
/// <remarks>
/// Delivery is at least once: a worker can die after the side effect and before the completion
/// is recorded, and the message then runs again once its lease expired. Handlers must therefore be
/// idempotent: pass <see cref="OutboxDelivery.Id"/> on as the idempotency key (webhooks send it as
/// <c>X-EdgeAccess-Delivery</c>) or check the state the side effect left behind.
/// </remarks>
public interface IOutboxHandler
{
    /// <summary>Runs one message; <paramref name="cancellationToken"/> fires at the handler timeout or shutdown.</summary>
    Task HandleAsync(OutboxDelivery message, CancellationToken cancellationToken);
}

/// <summary>A claimed message as its handler sees it.</summary>
/// <param name="Id">The message id: the idempotency key of the side effect.</param>
/// <param name="Topic">The topic that chose the handler.</param>
/// <param name="Key">The ordering key, if any.</param>
/// <param name="Payload">The JSON payload.</param>
/// <param name="Attempt">1 for the first run; grows with every claim (including one whose worker crashed).</param>
/// <param name="CreatedAt">When the message was enqueued.</param>
/// <param name="DueAt">When it became due.</param>
public sealed record OutboxDelivery(Guid Id, string Topic, string? Key, string Payload, int Attempt, DateTimeOffset CreatedAt, DateTimeOffset DueAt)
{
    /// <summary>Deserializes the payload (web defaults: camelCase).</summary>
    public T ReadPayload<T>() =>
        JsonSerializer.Deserialize<T>(Payload, OutboxWriter.JsonOptions) ?? throw new OutboxPermanentException($"the {Topic} payload is null");
}

/// <summary>Thrown by a handler when retrying cannot help (bad payload, 4xx answer): the message is dead-lettered now.</summary>
public class OutboxPermanentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutboxPermanentException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Thrown by a handler when the other side asked to wait (HTTP 429 Retry-After): retried no earlier than <see cref="RetryAfter"/>.</summary>
public class OutboxRetryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutboxRetryException(string message, TimeSpan retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>The least delay before the next attempt.</summary>
    public TimeSpan RetryAfter { get; }
}
