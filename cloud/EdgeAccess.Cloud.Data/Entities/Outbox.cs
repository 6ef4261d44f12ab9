namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>
/// A message of the transactional outbox (table <c>outbox_messages</c>). Add one to a
/// <see cref="HubDbContext"/> (the hub's <c>OutboxWriter.Enqueue</c>) so it commits with the
/// caller's <c>SaveChanges</c>; the hub's dispatcher claims, runs and completes it with raw SQL.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>UUIDv7; also the idempotency key handed to the handler.</summary>
    public Guid Id { get; set; }

    /// <summary>Selects the handler (e.g. <c>webhook.delivery</c>, <c>telegram.message</c>).</summary>
    public required string Topic { get; set; }

    /// <summary>Optional ordering key: messages with the same key run one at a time, oldest first.</summary>
    public string? Key { get; set; }

    /// <summary>The handler's input, a JSON document.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Not dispatched before this time (scheduled work: reminders, no-show releases).</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>Claims so far, including one whose worker crashed.</summary>
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LockedBy { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Set when the message was dead-lettered; <see cref="LastError"/> says why.</summary>
    public DateTimeOffset? FailedAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>
/// A webhook subscription (table <c>webhook_subscriptions</c>). <see cref="Secret"/> is the shared
/// HMAC-SHA256 key the receiver verifies signatures with: stored as given, never logged.
/// </summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; }
    public required string Url { get; set; }

    /// <summary>The shared signing secret. Never log it or return it from a listing.</summary>
    public required string Secret { get; set; }

    /// <summary>Space- or comma-separated event types; <c>booking.*</c> matches a prefix, <c>*</c> everything.</summary>
    public string Topics { get; set; } = "*";
    public bool Active { get; set; } = true;
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"webhook subscription {Id}";
}

/// <summary>One HTTP attempt of a webhook delivery (table <c>webhook_deliveries</c>).</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }

    /// <summary>The outbox message id, sent as <c>X-EdgeAccess-Delivery</c>.</summary>
    public Guid MessageId { get; set; }
    public Guid SubscriptionId { get; set; }
    public int Attempt { get; set; }

    /// <summary>The HTTP status, or null when no response arrived.</summary>
    public int? StatusCode { get; set; }
    public int DurationMs { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset At { get; set; }
}
