using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Nodes;

/// <summary>The sync status fields of <c>Node</c> in GetNode and ListNodes.</summary>
public sealed class NodeStatusTests(NodeOpsHub hub) : IClassFixture<NodeOpsHub>
{
    [Fact]
    public async Task GetNode_NeverConnected_SiteHeadAndNeverConnected()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);

        var node = await hub.GetNodeAsync(nodeId);

        Assert.Equal(NodeHealth.NeverConnected, node.Health);
        Assert.False(node.Connected);
        Assert.Equal(await hub.HeadAsync(siteId), node.SiteHead);
        Assert.True(node.SiteHead > 0);
        Assert.Equal(node.SiteHead, node.Lag);
        Assert.Null(node.LastAckTime);
        Assert.False(node.Stalled);
    }

    [Fact]
    public async Task GetNode_ConnectedAndCaughtUp_OnlineWithoutLag()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var head = await hub.HeadAsync(siteId);
        var now = hub.Clock.GetUtcNow();
        await hub.SetSyncAsync(nodeId, connected: true, lastSeen: now, acked: head, lastAck: now.AddSeconds(-1), connectedAt: now.AddMinutes(-1));

        var node = await hub.GetNodeAsync(nodeId);

        Assert.Equal(NodeHealth.Online, node.Health);
        Assert.True(node.Connected);
        Assert.Equal(head, node.AckedPosition);
        Assert.Equal(0, node.Lag);
        Assert.Equal(now.AddSeconds(-1), node.LastAckTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task GetNode_ConnectedFlagButSilentFor3Heartbeats_Offline()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var now = hub.Clock.GetUtcNow();

        // A crashed hub instance left connected = true; the node has not been heard from since.
        await hub.SetSyncAsync(nodeId, connected: true, lastSeen: now - (3 * NodeOpsHub.Heartbeat) - TimeSpan.FromSeconds(1), acked: await hub.HeadAsync(siteId));

        var node = await hub.GetNodeAsync(nodeId);

        Assert.True(node.Connected);
        Assert.Equal(NodeHealth.Offline, node.Health);
    }

    [Fact]
    public async Task GetNode_OnlineBehindWithoutProgressPastStallAfter_Stalled()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var start = hub.Clock.GetUtcNow();
        await hub.SetSyncAsync(nodeId, connected: true, lastSeen: start, acked: 0, connectedAt: start);
        var early = await hub.GetNodeAsync(nodeId);

        // Stall limit 2 minutes (default): the node keeps its heartbeats but acknowledges nothing.
        hub.Clock.Advance(TimeSpan.FromMinutes(3));
        await hub.SetSyncAsync(nodeId, connected: true, lastSeen: hub.Clock.GetUtcNow(), acked: 0, connectedAt: start);
        var late = await hub.GetNodeAsync(nodeId);

        Assert.Equal(NodeHealth.Online, early.Health);
        Assert.False(early.Stalled);
        Assert.Equal(NodeHealth.Stalled, late.Health);
        Assert.True(late.Stalled);
        Assert.True(late.Lag > 0);
    }

    [Fact]
    public async Task ListNodes_AsOperator_FillsStatusOfEveryNode()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var online = await hub.NewEnrolledNodeAsync(siteId);
        var never = await hub.NewEnrolledNodeAsync(siteId);
        var head = await hub.HeadAsync(siteId);
        await hub.SetSyncAsync(online, connected: true, lastSeen: hub.Clock.GetUtcNow(), acked: head);

        var list = await hub.Nodes.ListNodesAsync(new ListNodesRequest { SiteId = siteId }, await hub.SignInAsync(UserRole.Operator)).ResponseAsync.WithTimeout();

        var byId = list.Nodes.ToDictionary(n => n.Id);
        Assert.Equal(NodeHealth.Online, byId[online].Health);
        Assert.Equal(NodeHealth.NeverConnected, byId[never].Health);
        Assert.All(list.Nodes, n => Assert.Equal(head, n.SiteHead));
    }
}
