using System.Text;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Notifications.Webhooks;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Notifications;

/// <summary>Webhooks through the running hub's outbox to a recording receiver.</summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private readonly HubHost _hub = new(new Dictionary<string, string?>
    {
        ["EdgeAccess:Outbox:PollInterval"] = "00:00:00.200",
        ["EdgeAccess:Outbox:RetryBaseDelay"] = "00:00:00.100",
        ["EdgeAccess:Outbox:RetryMaxDelay"] = "00:00:00.500",
        ["EdgeAccess:Outbox:MaxAttempts"] = "4",
    });

    private RecordingWebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        await _hub.InitializeAsync();
        _receiver = await RecordingWebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task Publish_Committed_PostsSignedJsonThatVerifiesWithTheSecret()
    {
        var subscription = await SubscribeAsync("topsecret", "booking.*");
        var ids = await PublishAsync("booking.created", new { bookingId = "b-1" });

        await _receiver.WaitUntilAsync(r => r.Requests.Count >= 1).WithTimeout();
        var request = Assert.Single(_receiver.Requests);
        Assert.Equal(ids.Single().ToString(), request.Delivery);
        Assert.Equal("booking.created", request.Event);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("sha256=", request.Signature, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify("topsecret", request.Timestamp, request.Body, request.Signature, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("wrong", request.Timestamp, request.Body, request.Signature, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("topsecret", request.Timestamp, [.. request.Body, (byte)' '], request.Signature, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.Equal(WebhookSignature.Compute("topsecret", long.Parse(request.Timestamp, System.Globalization.CultureInfo.InvariantCulture), request.Body), request.Signature);
        var body = Encoding.UTF8.GetString(request.Body);
        Assert.Contains("\"bookingId\":\"b-1\"", body, StringComparison.Ordinal);
        Assert.Contains($"\"id\":\"{ids.Single()}\"", body, StringComparison.Ordinal);

        var log = await WaitForDeliveriesAsync(ids.Single(), 1);
        Assert.Equal((subscription, 200, 1), (log[0].SubscriptionId, log[0].StatusCode, log[0].Attempt));
    }

    [Fact]
    public async Task Publish_ReceiverFailsThenRecovers_RetriedWithTheSameDeliveryIdAndLogged()
    {
        await SubscribeAsync("s", "*");
        _receiver.RespondNext(500, 429);
        var id = (await PublishAsync("booking.cancelled", new { bookingId = "b-2" })).Single();

        var log = await WaitForDeliveriesAsync(id, 3);
        Assert.Equal([500, 429, 200], log.Select(d => d.StatusCode ?? 0));
        Assert.Equal([1, 2, 3], log.Select(d => d.Attempt));
        Assert.All(_receiver.Requests, r => Assert.Equal(id.ToString(), r.Delivery));
        await WaitForOutboxAsync(id, m => m.CompletedAt is not null);
    }

    [Fact]
    public async Task Publish_ReceiverAnswers4xx_DeadLetteredWithoutRetry()
    {
        await SubscribeAsync("s", "booking.created");
        _receiver.RespondNext(410);
        var id = (await PublishAsync("booking.created", new { bookingId = "b-3" })).Single();

        var message = await WaitForOutboxAsync(id, m => m.FailedAt is not null);
        Assert.Equal(1, message.Attempts);
        Assert.Contains("410", message.LastError, StringComparison.Ordinal);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task Publish_TopicFilter_OnlyMatchingActiveSubscriptionsGetADelivery()
    {
        await SubscribeAsync("s", "booking.created, booking.cancelled");
        await SubscribeAsync("s", "node.*");
        await SubscribeAsync("s", "*", active: false);

        Assert.Single(await PublishAsync("booking.created", new { }));
        Assert.Empty(await PublishAsync("booking.approved", new { }));
        Assert.True(WebhookPublisher.Matches("booking.*", "booking.x"));
        Assert.False(WebhookPublisher.Matches("booking.*", "bookings.x"));
    }

    private async Task<Guid> SubscribeAsync(string secret, string topics, bool active = true)
    {
        await using var scope = _hub.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var subscription = new WebhookSubscription { Id = Guid.CreateVersion7(), Url = _receiver.Url.ToString(), Secret = secret, Topics = topics, Active = active, CreatedAt = DateTimeOffset.UtcNow };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync();
        return subscription.Id;
    }

    private async Task<List<Guid>> PublishAsync<T>(string eventType, T data)
    {
        await using var scope = _hub.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await WebhookPublisher.PublishAsync(db, eventType, data);
        var ids = db.ChangeTracker.Entries<OutboxMessage>().Select(e => e.Entity.Id).ToList();
        await db.SaveChangesAsync();
        return ids;
    }

    private async Task<List<WebhookDelivery>> WaitForDeliveriesAsync(Guid messageId, int count)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            await using var scope = _hub.CreateScope();
            var log = await scope.ServiceProvider.GetRequiredService<HubDbContext>().WebhookDeliveries
                .Where(d => d.MessageId == messageId).OrderBy(d => d.Attempt).ToListAsync(cts.Token);
            if (log.Count >= count)
            {
                return log;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    private async Task<OutboxMessage> WaitForOutboxAsync(Guid id, Func<OutboxMessage, bool> condition)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            await using var scope = _hub.CreateScope();
            var message = await scope.ServiceProvider.GetRequiredService<HubDbContext>().OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, cts.Token);
            if (condition(message))
            {
                return message;
            }

            await Task.Delay(50, cts.Token);
        }
    }
}
