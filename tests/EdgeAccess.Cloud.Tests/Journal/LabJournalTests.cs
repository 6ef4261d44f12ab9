using EdgeAccess.Cloud.Booking.Notifications;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Cloud.Tests.Nodes;
using EdgeAccess.Cloud.Tests.Notifications;
using EdgeAccess.Cloud.Tests.Sync;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Cloud.Tests.Journal;

/// <summary>
/// What the hub does with a lab server's journal (issue 6), uploaded over a real sync stream: a
/// fresh warning reaches the person once through the outbox, a stale or re-sent one never; a
/// maintenance event marks and clears the resource.
/// </summary>
public sealed class LabJournalTests(NotificationHub hub) : IClassFixture<NotificationHub>
{
    [Fact]
    public async Task Warning_Fresh_NotifiedOnceAndNotAgainWhenResent()
    {
        var (nodeId, call) = await ConnectedNodeAsync();
        using var stream = call;
        var (member, personId, userId) = await hub.MemberAsync(chatId: 3001);
        using var watch = hub.Notifications.Watch(new WatchRequest(), member);
        Assert.True(await watch.ResponseStream.MoveNext().WithTimeout());
        var resource = await hub.CreateResourceAsync("spectro-" + Guid.NewGuid().ToString("N")[..6]);
        var now = hub.Clock.GetUtcNow();
        var warning = Warning(1, now.AddSeconds(-10), resource, personId, now.AddSeconds(60));

        var ack = await call.UploadAsync(warning);
        var text = await hub.WaitForTelegramAsync(3001, t => t.StartsWith("Lab warning", StringComparison.Ordinal));
        Assert.True(await watch.ResponseStream.MoveNext().WithTimeout());
        var item = watch.ResponseStream.Current;
        var resent = await call.UploadAsync(warning);

        Assert.Equal((1, 1), (ack, resent));
        Assert.Contains("/opt/spectro/bin/acquire will be stopped at ", text, StringComparison.Ordinal);
        Assert.EndsWith("(UTC). Your booking has ended: save your work", text, StringComparison.Ordinal);
        Assert.Equal((LabEventTypes.Warning, text, ""), (item.Event, item.Text, item.BookingId));
        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.Topic == LabEventTypes.WarningTopic && m.Key == "lab-warning:" + personId).WithTimeout());
        await hub.AdvanceWhenOutboxIdleAsync(TimeSpan.Zero);
        Assert.Equal(1, await db.Notifications.CountAsync(n => n.UserId == userId && n.Event == LabEventTypes.Warning).WithTimeout());
        Assert.Single(hub.Telegram.Sent, m => m.ChatId == 3001);
    }

    [Fact]
    public async Task Warning_StaleOrUnlinked_StoredButNotSent()
    {
        var (nodeId, call) = await ConnectedNodeAsync();
        using var stream = call;
        var (_, personId, userId) = await hub.MemberAsync(chatId: 3002);
        var resource = await hub.CreateResourceAsync("stale-" + Guid.NewGuid().ToString("N")[..6]);
        var now = hub.Clock.GetUtcNow();

        // An offline node uploads a warning three minutes late; another run's owner is linked to nobody.
        await call.UploadAsync(Warning(1, now.AddMinutes(-3), resource, personId, now.AddMinutes(-2)), Warning(2, now.AddSeconds(-5), resource, "", now.AddMinutes(1)));
        var events = await new JournalService.Client(hub.Host.Channel).ListEventsAsync(new ListEventsRequest { NodeId = nodeId }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal([2L, 1L], events.Events.Select(e => e.Seq));
        Assert.Equal(personId, events.Events.Single(e => e.Seq == 1).PersonId);
        Assert.Contains("\"executable\": \"/opt/spectro/bin/acquire\"", events.Events[0].Details, StringComparison.Ordinal);
        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Guid[] ids = [LabEventTypes.WarningMessageId(nodeId, 1), LabEventTypes.WarningMessageId(nodeId, 2)];
        Assert.False(await db.OutboxMessages.AnyAsync(m => ids.Contains(m.Id)).WithTimeout());
        Assert.Equal(0, await db.Notifications.CountAsync(n => n.UserId == userId).WithTimeout());
    }

    [Fact]
    public async Task Maintenance_EnteredThenCleared_ShownOnTheResourceAndLogged()
    {
        var (nodeId, call) = await ConnectedNodeAsync();
        using var stream = call;
        var resource = await hub.Booking.CreateResourceAsync(new CreateResourceRequest
        {
            Resource = new BookableResource { SiteId = hub.SiteId, Name = "maint-" + Guid.NewGuid().ToString("N")[..6], Kind = ResourceKind.LabInstallation, NodeId = nodeId },
        }, hub.Admin).ResponseAsync.WithTimeout();
        var now = hub.Clock.GetUtcNow();
        var entered = Maintenance(1, now.AddSeconds(-30), resource.Id, true, "grant failed 3 times");

        await call.UploadAsync(entered);
        var inMaintenance = await GetAsync(resource.Id);
        var listed = await hub.Booking.ListResourcesAsync(new ListResourcesRequest { SiteId = hub.SiteId, PageSize = 500 }, hub.Admin).ResponseAsync.WithTimeout();
        // An older activation does not move the state; one for a resource the hub does not know changes nothing.
        await call.UploadAsync(
            Maintenance(2, now.AddSeconds(-40), resource.Id, true, "older news"),
            Maintenance(3, now.AddSeconds(-20), Guid.NewGuid().ToString(), true, "elsewhere"));
        var unchanged = await GetAsync(resource.Id);
        await call.UploadAsync(Maintenance(4, now.AddSeconds(-10), resource.Id, false, ""));
        var cleared = await GetAsync(resource.Id);
        await call.UploadAsync(entered);
        var afterResend = await GetAsync(resource.Id);

        var expected = new ResourceMaintenance { NodeId = nodeId, Since = Timestamp.FromDateTimeOffset(now.AddSeconds(-30)), Reason = "grant failed 3 times" };
        Assert.Equal(expected, inMaintenance.Maintenance);
        Assert.Equal(expected, listed.Resources.Single(r => r.Id == resource.Id).Maintenance);
        Assert.Equal(expected, unchanged.Maintenance);
        Assert.Null(cleared.Maintenance);
        Assert.Null(afterResend.Maintenance);
        Assert.Equal(inMaintenance.Etag, cleared.Etag);
        var log = Assert.Single(hub.Logs.Entries, e => e.EventId.Name == "LabMaintenanceEntered" && e.Text.Contains(resource.Id, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Contains("grant failed 3 times", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Maintenance_FromANodeThatDoesNotRunTheResource_Ignored()
    {
        var (nodeId, call) = await ConnectedNodeAsync();
        using var stream = call;
        var resource = await hub.CreateResourceAsync("other-" + Guid.NewGuid().ToString("N")[..6]);

        await call.UploadAsync(Maintenance(1, hub.Clock.GetUtcNow(), resource, true, "not mine"));

        Assert.Null((await GetAsync(resource)).Maintenance);
    }

    private Task<BookableResource> GetAsync(string id) =>
        hub.Booking.GetResourceAsync(new GetResourceRequest { Id = id }, hub.Admin).ResponseAsync.WithTimeout();

    internal static JournalEvent Warning(long seq, DateTimeOffset at, string resourceId, string personId, DateTimeOffset deadline) => new()
    {
        Seq = seq,
        OccurTime = Timestamp.FromDateTimeOffset(at),
        Kind = "lab.warning",
        Payload = new LabProcessEvent
        {
            ResourceId = resourceId,
            PersonId = personId,
            Uid = 1000,
            UserName = "ada",
            Pid = 4242,
            ProcessGroup = 4242,
            Executable = "/opt/spectro/bin/acquire",
            Deadline = Timestamp.FromDateTimeOffset(deadline),
            Message = "Your booking has ended: save your work",
        }.ToByteString(),
    };

    internal static JournalEvent Maintenance(long seq, DateTimeOffset at, string resourceId, bool active, string reason) => new()
    {
        Seq = seq,
        OccurTime = Timestamp.FromDateTimeOffset(at),
        Kind = "lab.maintenance",
        Payload = new LabMaintenanceEvent { ResourceId = resourceId, Active = active, Reason = reason, ConsecutiveFailures = 3 }.ToByteString(),
    };

    /// <summary>An enrolled node of the hub's site with its sync stream open, past the snapshot.</summary>
    private async Task<(string NodeId, AsyncDuplexStreamingCall<EdgeMessage, HubMessage> Call)> ConnectedNodeAsync()
    {
        var created = await new NodeService.Client(hub.Host.Channel).CreateNodeAsync(
            new CreateNodeRequest { NodeId = NodeHub.NewNodeId("lab"), SiteId = hub.SiteId }, hub.Admin).ResponseAsync.WithTimeout();
        var enrolled = await new EnrollmentService.Client(hub.Host.Channel)
            .EnrollAsync(new EnrollRequest { NodeId = created.Node.Id, EnrollmentCode = created.EnrollmentCode }).ResponseAsync.WithTimeout();
        var call = new EdgeSync.Client(hub.Host.Channel).Sync(NodeHub.NodeAuth(enrolled.NodeToken));
        await call.RequestStream.WriteAsync(new EdgeMessage
        {
            Hello = new SyncHello { NodeId = created.Node.Id, SiteId = hub.SiteId, SchemaVersion = 1 },
        }).WithTimeout();
        await call.ReadSnapshotAsync();
        return (created.Node.Id, call);
    }
}
