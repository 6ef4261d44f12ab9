using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Nodes.Health;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Nodes;

/// <summary>The node watchdog: one alert per episode, recovery, gauges, and one alert across hub instances.</summary>
public sealed class NodeWatchdogTests(NodeOpsHub hub) : IClassFixture<NodeOpsHub>
{
    [Fact]
    public async Task Check_OnlineNodeStopsAcking_OneStalledAlertThenRecovered()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var head = await hub.HeadAsync(siteId);
        var start = hub.Clock.GetUtcNow();
        await hub.SetSyncAsync(nodeId, connected: true, lastSeen: start, acked: 0, connectedAt: start);
        var alerts = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Cloud" && instrument.Name == "edgeaccess.sync.alerts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "edgeaccess.alert")
                {
                    alerts.Enqueue((string)tag.Value!);
                }
            }
        });
        listener.Start();

        var beforeLimit = await CheckAsync(nodeId);
        hub.Clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        await hub.SetSyncAsync(nodeId, connected: true, lastSeen: hub.Clock.GetUtcNow(), acked: 0, connectedAt: start);
        var stalled = await CheckAsync(nodeId);
        var again = await CheckAsync(nodeId);
        await hub.SetSyncAsync(nodeId, connected: true, lastSeen: hub.Clock.GetUtcNow(), acked: head, lastAck: hub.Clock.GetUtcNow(), connectedAt: start);
        var recovered = await CheckAsync(nodeId);

        Assert.Empty(beforeLimit);
        Assert.Equal([new NodeAlertChange(nodeId, NodeAlert.None, NodeAlert.Stalled)], stalled);
        Assert.Empty(again);
        Assert.Equal([new NodeAlertChange(nodeId, NodeAlert.Stalled, NodeAlert.None)], recovered);
        var log = Assert.Single(hub.Logs.Entries, e => e.EventId.Name == "NodeStalled" && e.Text.Contains(nodeId, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Single(hub.Logged("NodeRecovered", nodeId));
        Assert.Contains("stalled", alerts);
        Assert.Contains("recovered", alerts);
    }

    [Fact]
    public async Task Check_EnrolledNodeGoneLongerThanOfflineAfter_OfflineAlertOnceThenRecovered()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var head = await hub.HeadAsync(siteId);
        await hub.SetSyncAsync(nodeId, connected: false, lastSeen: hub.Clock.GetUtcNow(), acked: head);

        var early = await CheckAsync(nodeId);
        hub.Clock.Advance(TimeSpan.FromMinutes(10));
        var offline = await CheckAsync(nodeId);
        hub.Clock.Advance(TimeSpan.FromMinutes(10));
        var still = await CheckAsync(nodeId);
        await hub.SetSyncAsync(nodeId, connected: true, lastSeen: hub.Clock.GetUtcNow(), acked: head, connectedAt: hub.Clock.GetUtcNow());
        var back = await CheckAsync(nodeId);

        Assert.Empty(early);
        Assert.Equal([new NodeAlertChange(nodeId, NodeAlert.None, NodeAlert.Offline)], offline);
        Assert.Empty(still);
        Assert.Equal([new NodeAlertChange(nodeId, NodeAlert.Offline, NodeAlert.None)], back);
        Assert.Equal(LogLevel.Error, Assert.Single(hub.Logs.Entries, e => e.EventId.Name == "NodeOffline" && e.Text.Contains(nodeId, StringComparison.Ordinal)).Level);
    }

    [Fact]
    public async Task Check_SecondHubInstance_DoesNotRaiseTheSameEpisodeAgain()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        await hub.SetSyncAsync(nodeId, connected: false, lastSeen: hub.Clock.GetUtcNow() - TimeSpan.FromHours(1), acked: 0);
        var services = hub.Host.App.Services;
        var otherInstance = new NodeWatchdog(
            services.GetRequiredService<NpgsqlDataSource>(),
            services.GetRequiredService<NodeStatusReader>(),
            hub.Clock,
            services.GetRequiredService<IOptionsMonitor<WatchdogOptions>>(),
            services.GetRequiredService<ILogger<NodeWatchdog>>());

        var first = await CheckAsync(nodeId);
        var second = (await otherInstance.CheckAsync(CancellationToken.None).WithTimeout()).Where(c => c.NodeId == nodeId).ToList();

        Assert.Single(first);
        Assert.Empty(second);
    }

    [Fact]
    public async Task Check_Gauges_NodesByHealthAndLagPerNode()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var head = await hub.HeadAsync(siteId);
        await hub.SetSyncAsync(nodeId, connected: true, lastSeen: hub.Clock.GetUtcNow(), acked: head - 1, lastAck: hub.Clock.GetUtcNow());
        var lags = new ConcurrentQueue<long>();
        var healthTags = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Cloud" && instrument.Name is "edgeaccess.sync.nodes" or "edgeaccess.sync.node.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (instrument.Name == "edgeaccess.sync.node.lag" && tag.Key == "edgeaccess.node.id" && (string?)tag.Value == nodeId)
                {
                    lags.Enqueue(value);
                }
                else if (instrument.Name == "edgeaccess.sync.nodes" && tag.Key == "edgeaccess.node.health")
                {
                    healthTags.Enqueue((string)tag.Value!);
                }
            }
        });
        listener.Start();

        await CheckAsync(nodeId);
        listener.RecordObservableInstruments();

        Assert.Contains(1L, lags);
        Assert.Equal(1, hub.Watchdog.Lags[nodeId]);
        Assert.Superset(new HashSet<string> { "online", "offline", "stalled", "never_connected" }, healthTags.ToHashSet());
        Assert.True(hub.Watchdog.Counts["online"] >= 1);
    }

    private async Task<List<NodeAlertChange>> CheckAsync(string nodeId) =>
        (await hub.Watchdog.CheckAsync(CancellationToken.None).WithTimeout()).Where(c => c.NodeId == nodeId).ToList();
}
