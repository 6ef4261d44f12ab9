using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EdgeAccess.Cloud.Outbox;
using Npgsql;

namespace EdgeAccess.Cloud.Notifications.Webhooks;

/// <summary>
/// Delivers one <see cref="Topic"/> message: POSTs <c>{"id","event","occurredAt","data"}</c> to the
/// subscription's URL, signed with its secret (<see cref="WebhookSignature"/>), and logs the attempt
/// in <c>webhook_deliveries</c>. 2xx delivers; 4xx other than 408 and 429 fails for good; anything
/// else (5xx, 408, 429, timeout, connection error) is retried by the outbox, no earlier than a
/// Retry-After the receiver sent.
/// </summary>
/// <remarks>
/// Every attempt carries the same <c>X-EdgeAccess-Delivery</c> (the outbox message id), and
/// receivers must dedupe on it: a second POST of one delivery happens when the hub dies (or loses
/// its database) after the receiver answered and before the completion was recorded, and when the
/// receiver answered after our timeout. The URL and the secret are never logged: the URL may carry
/// credentials of its own.
/// </remarks>
public sealed partial class WebhookHandler(IHttpClientFactory clients, NpgsqlDataSource dataSource, TimeProvider time, ILogger<WebhookHandler> logger) : IOutboxHandler
{
    /// <summary>The outbox topic.</summary>
    public const string Topic = "webhook.delivery";

    /// <summary>The named HttpClient (timeout from <see cref="WebhookOptions"/>, no redirects, no request logging).</summary>
    public const string HttpClientName = "EdgeAccess.Webhooks";

    /// <inheritdoc />
    public async Task HandleAsync(OutboxDelivery message, CancellationToken cancellationToken)
    {
        var payload = message.ReadPayload<WebhookDeliveryPayload>();
        var subscription = await LoadAsync(payload.SubscriptionId, cancellationToken).ConfigureAwait(false);
        if (subscription is not { Active: true })
        {
            LogSkipped(logger, message.Id, payload.SubscriptionId);
            return;
        }

        var body = Body(message.Id, payload);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Value.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.DeliveryHeader, message.Id.ToString());
        request.Headers.Add(WebhookSignature.EventHeader, payload.Event);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Compute(subscription.Value.Secret, timestamp, body));

        var started = time.GetTimestamp();
        HttpStatusCode? status = null;
        TimeSpan? retryAfter = null;
        string? error = null;
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            retryAfter = RetryAfter(response.Headers.RetryAfter);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await RecordAsync(message, payload.SubscriptionId, null, started, "cancelled (shutdown or handler timeout)").ConfigureAwait(false);
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // HttpClient.Timeout surfaces as a TaskCanceledException with our token still live.
            error = ex is OperationCanceledException ? "timed out" : ex.Message;
        }

        var code = (int?)status;
        await RecordAsync(message, payload.SubscriptionId, code, started, error).ConfigureAwait(false);
        LogAttempt(logger, message.Id, payload.SubscriptionId, message.Attempt, code ?? 0);
        switch (code)
        {
            case >= 200 and < 300:
                return;
            case 408 or 429:
                throw new OutboxRetryException($"the receiver answered HTTP {code}", retryAfter ?? TimeSpan.Zero);
            case >= 400 and < 500:
                throw new OutboxPermanentException($"the receiver answered HTTP {code}");
            case null:
                throw new HttpRequestException($"webhook delivery failed: {error}");
            default:
                throw new OutboxRetryException($"the receiver answered HTTP {code}", retryAfter ?? TimeSpan.Zero);
        }
    }

    /// <summary>The exact body bytes that are signed and sent.</summary>
    internal static byte[] Body(Guid messageId, WebhookDeliveryPayload payload)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", messageId);
            writer.WriteString("event", payload.Event);
            writer.WriteString("occurredAt", payload.OccurredAt);
            writer.WritePropertyName("data");
            payload.Data.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow(),
        _ => null,
    };

    private async Task<(string Url, string Secret, bool Active)?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT url, secret, active FROM webhook_subscriptions WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)) : null;
    }

    private async Task RecordAsync(OutboxDelivery message, Guid subscriptionId, int? status, long started, string? error)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO webhook_deliveries (id, message_id, subscription_id, attempt, status_code, duration_ms, error, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7(time.GetUtcNow()) });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = message.Id });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = subscriptionId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = message.Attempt });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)Math.Min(int.MaxValue, time.GetElapsedTime(started).TotalMilliseconds) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });

        // The log outlives a cancelled attempt.
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    [LoggerMessage(3830, LogLevel.Debug, "Webhook delivery {MessageId} to subscription {SubscriptionId}, attempt {Attempt}: HTTP {StatusCode} (0: no response)", EventName = "WebhookAttempt")]
    private static partial void LogAttempt(ILogger logger, Guid messageId, Guid subscriptionId, int attempt, int statusCode);

    [LoggerMessage(3831, LogLevel.Information, "Webhook delivery {MessageId} skipped: subscription {SubscriptionId} is gone or inactive", EventName = "WebhookSkipped")]
    private static partial void LogSkipped(ILogger logger, Guid messageId, Guid subscriptionId);
}
