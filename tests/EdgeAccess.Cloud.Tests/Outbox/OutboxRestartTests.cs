using System.Text.Json;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Notifications.Webhooks;
using EdgeAccess.Cloud.Outbox;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Cloud.Tests.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Outbox;

/// <summary>A hub dies mid-dispatch and another starts on the same database: nothing lost, receivers see each delivery once.</summary>
public sealed class OutboxRestartTests
{
    [Fact]
    public async Task HubRestartsMidDispatch_LeasesExpire_EveryWebhookDeliveredAndDedupedByDeliveryId()
    {
        var database = await PostgresServer.CreateEmptyDatabaseAsync("outbox_restart");
        await using var receiver = await RecordingWebhookReceiver.StartAsync();
        var plan = new CrashPlan();
        var settings = new Dictionary<string, string?>
        {
            ["EdgeAccess:Database:ConnectionString"] = database,
            ["EdgeAccess:Outbox:LeaseDuration"] = "00:00:03",
            ["EdgeAccess:Outbox:HandlerTimeout"] = "00:00:02",
            ["EdgeAccess:Outbox:PollInterval"] = "00:00:00.200",
            ["EdgeAccess:Outbox:RetryBaseDelay"] = "00:00:00.100",
        };

        // Hub A: message 0 "crashes" before its POST, message 1 after the receiver answered and
        // before the completion was recorded (the handler never returns; it ignores cancellation).
        var hubA = new HubHost(new Dictionary<string, string?>(settings) { ["EdgeAccess:InstanceId"] = "hub-a" }, b =>
        {
            b.Services.AddSingleton(plan);
            b.Services.AddScoped<WebhookHandler>();
            b.Services.AddOutboxHandler<CrashingWebhookHandler>(WebhookHandler.Topic);
        });
        await hubA.InitializeAsync();
        List<Guid> ids;
        await using (var scope = hubA.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            db.WebhookSubscriptions.Add(new WebhookSubscription { Id = Guid.CreateVersion7(), Url = receiver.Url.ToString(), Secret = "s3cret", Topics = "booking.*", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            for (var n = 0; n < 5; n++)
            {
                await WebhookPublisher.PublishAsync(db, "booking.created", new { n });
            }

            await db.SaveChangesAsync();
            ids = await db.OutboxMessages.Select(m => m.Id).ToListAsync();
        }

        await Task.WhenAll(plan.CrashedBeforePost.Task, plan.CrashedAfterPost.Task).WithTimeout();
        Assert.Single(receiver.Requests, r => r.Body.AsSpan().IndexOf("\"n\":1"u8) >= 0);

        // Stop hub A without waiting for the stuck handlers (as a killed process would).
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            try
            {
                await hubA.App.StopAsync(stop.Token).WithTimeout();
            }
            catch (Exception ex) when (ex is OperationCanceledException or AggregateException)
            {
                // The stuck handlers never finish: that is the point.
            }
        }

        await hubA.App.DisposeAsync();

        // Hub B on the same database takes the two crashed messages over once their leases expire.
        await using var hubB = new HubHost(new Dictionary<string, string?>(settings) { ["EdgeAccess:InstanceId"] = "hub-b" });
        await hubB.InitializeAsync();
        await using (var scope = hubB.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            using var cts = new CancellationTokenSource(TestTimeouts.Default);
            while (await db.OutboxMessages.CountAsync(m => m.CompletedAt == null, cts.Token) > 0)
            {
                await Task.Delay(100, cts.Token);
            }

            var rows = await db.OutboxMessages.AsNoTracking().ToListAsync();
            Assert.All(rows, r => Assert.Null(r.FailedAt));
            Assert.Equal(2, rows.Count(r => r.Attempts == 2));
        }

        // Exactly one delivery per message id; the one duplicate POST is message 1, whose first
        // receiver answer was never recorded by hub A.
        Assert.Equal(ids.Select(i => i.ToString()).Order(), receiver.UniqueDeliveries.Order());
        Assert.Equal(6, receiver.Requests.Count);
        var duplicate = Assert.Single(receiver.Requests.GroupBy(r => r.Delivery), g => g.Count() > 1);
        Assert.Contains("\"n\":1", System.Text.Encoding.UTF8.GetString(duplicate.First().Body), StringComparison.Ordinal);
        Assert.All(receiver.Requests, r => Assert.True(WebhookSignature.Verify("s3cret", r.Timestamp, r.Body, r.Signature, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5))));
    }

    /// <summary>Where hub A's handler stops forever.</summary>
    public sealed class CrashPlan
    {
        public TaskCompletionSource CrashedBeforePost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource CrashedAfterPost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Never { get; } = new();
    }

    /// <summary>The real webhook handler, except that it hangs around message 0 and 1 like a dying process.</summary>
    public sealed class CrashingWebhookHandler(WebhookHandler inner, CrashPlan plan) : IOutboxHandler
    {
        public async Task HandleAsync(OutboxDelivery message, CancellationToken cancellationToken)
        {
            var n = message.ReadPayload<WebhookDeliveryPayload>().Data.GetProperty("n").GetInt32();
            if (n == 0)
            {
                plan.CrashedBeforePost.TrySetResult();
                await plan.Never.Task;
            }

            await inner.HandleAsync(message, cancellationToken);
            if (n == 1)
            {
                plan.CrashedAfterPost.TrySetResult();
                await plan.Never.Task;
            }
        }
    }
}
