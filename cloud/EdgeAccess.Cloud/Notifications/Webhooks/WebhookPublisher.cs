using System.Text.Json;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Outbox;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Notifications.Webhooks;

/// <summary>
/// Publishes a domain event to the webhook subscribers: one <see cref="WebhookHandler.Topic"/>
/// outbox message per matching active subscription, enqueued in the caller's unit of work, so each
/// subscriber has its own retries, delivery id and delivery log.
/// </summary>
public static class WebhookPublisher
{
    /// <summary>
    /// Adds the deliveries of <paramref name="eventType"/> with <paramref name="data"/> to
    /// <paramref name="db"/>; they commit with the caller's <c>SaveChanges</c>. Returns how many.
    /// </summary>
    public static async Task<int> PublishAsync<T>(HubDbContext db, string eventType, T data, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Active).Select(s => new { s.Id, s.Topics })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var element = JsonSerializer.SerializeToElement(data, OutboxWriter.JsonOptions);
        var count = 0;
        foreach (var subscription in subscriptions.Where(s => Matches(s.Topics, eventType)))
        {
            OutboxWriter.Enqueue(db, WebhookHandler.Topic, new WebhookDeliveryPayload(subscription.Id, eventType, now, element), time: time);
            count++;
        }

        return count;
    }

    /// <summary>
    /// True when <paramref name="eventType"/> is selected by <paramref name="filter"/> (space- or
    /// comma-separated; <c>*</c> everything; <c>booking.*</c> every type starting with <c>booking.</c>).
    /// </summary>
    public static bool Matches(string filter, string eventType) =>
        filter.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Any(pattern =>
            pattern == "*"
            || (pattern.EndsWith(".*", StringComparison.Ordinal) && eventType.StartsWith(pattern[..^1], StringComparison.Ordinal))
            || string.Equals(pattern, eventType, StringComparison.Ordinal));
}

/// <summary>The payload of a <see cref="WebhookHandler.Topic"/> message.</summary>
/// <param name="SubscriptionId">The subscriber.</param>
/// <param name="Event">The event type (<c>X-EdgeAccess-Event</c>).</param>
/// <param name="OccurredAt">When the event happened.</param>
/// <param name="Data">The event's data, sent as the body's <c>data</c>.</param>
public sealed record WebhookDeliveryPayload(Guid SubscriptionId, string Event, DateTimeOffset OccurredAt, JsonElement Data);
