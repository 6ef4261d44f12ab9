using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Sync;

/// <summary>The hub side of the edge sync stream, over a real hub and PostgreSQL.</summary>
public sealed class SyncTests(SyncHub hub) : IClassFixture<SyncHub>
{
    [Fact]
    public async Task Sync_FreshNode_SnapshotThenLiveChanges()
    {
        var siteId = await hub.NewSiteWithDoorAsync();
        var (nodeId, token) = await hub.NewEnrolledNodeAsync(siteId);

        using var call = await hub.OpenAsync(token, nodeId, siteId, 0);
        var (begin, records, end) = await call.ReadSnapshotAsync();
        var doorId = await hub.AddDoorAsync(siteId);
        var live = await call.NextAsync();

        Assert.Equal(siteId, begin.SiteId);
        Assert.Equal(begin.Position, end);
        Assert.Equal(begin.RecordCount, records.Count);
        Assert.Contains(records, r => r.Kind == RecordKind.Site && r.Site.Id == siteId);
        Assert.Single(records, r => r.Kind == RecordKind.Door);
        Assert.All(records, r => Assert.Equal(begin.Position, r.Position));
        Assert.Equal(HubMessage.MessageOneofCase.Changes, live.MessageCase);
        Assert.Equal(begin.Position + 1, live.Changes.Changes_[0].Position);
        Assert.Contains(live.Changes.Changes_, c => c.Kind == RecordKind.Door && c.Door.Id == doorId && c.EntityId == doorId);
    }

    [Fact]
    public async Task Sync_ReconnectWithAckedPosition_OnlyLaterChangesAndAckPersisted()
    {
        var siteId = await hub.NewSiteWithDoorAsync();
        var (nodeId, token) = await hub.NewEnrolledNodeAsync(siteId);
        long acked;
        using (var first = await hub.OpenAsync(token, nodeId, siteId, 0))
        {
            acked = (await first.ReadSnapshotAsync()).EndPosition;
            await first.AckAsync(acked);
            await WaitForAsync(async () => (await hub.SyncRowAsync(nodeId))?.AckedPosition == acked);
            await first.RequestStream.CompleteAsync().WithTimeout();
            // The hub ends the stream; a digest or heartbeat already on its way may still arrive first.
            while (await first.ResponseStream.MoveNext().WithTimeout())
            {
                Assert.Contains(first.ResponseStream.Current.MessageCase, new[] { HubMessage.MessageOneofCase.Digest, HubMessage.MessageOneofCase.Heartbeat });
            }
        }

        var row = await hub.SyncRowAsync(nodeId);
        var doorId = await hub.AddDoorAsync(siteId);
        using var second = await hub.OpenAsync(token, nodeId, siteId, acked);
        var changes = (await second.NextAsync()).Changes;

        Assert.Equal(acked, row!.AckedPosition);
        Assert.False(row.Connected);
        Assert.NotNull(row.LastSeenAt);
        Assert.NotNull(changes);
        Assert.Equal(Enumerable.Range(0, changes.Changes_.Count).Select(i => acked + 1 + i), changes.Changes_.Select(c => c.Position));
        Assert.Contains(changes.Changes_, c => c.Kind == RecordKind.Door && c.EntityId == doorId);
        Assert.Equal(changes.Changes_[^1].Position, changes.Head);
    }

    [Fact]
    public async Task Sync_SecondConcurrentStream_AlreadyExists()
    {
        var siteId = await hub.NewSiteWithDoorAsync();
        var (nodeId, token) = await hub.NewEnrolledNodeAsync(siteId);
        using var first = await hub.OpenAsync(token, nodeId, siteId, 0);
        await first.ReadSnapshotAsync();

        using var second = await hub.OpenAsync(token, nodeId, siteId, 0);
        var error = await second.FailureAsync();

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal($"node {nodeId} already has an open sync stream", error.Status.Detail);
        await first.AckAsync(1); // the first stream still works
    }

    [Fact]
    public async Task Sync_BadToken_Unauthenticated()
    {
        var siteId = await hub.NewSiteWithDoorAsync();
        var (nodeId, token) = await hub.NewEnrolledNodeAsync(siteId);

        using var call = await hub.OpenAsync(token + "x", nodeId, siteId, 0);
        var error = await call.FailureAsync();
        using var none = hub.Sync.Sync();
        await none.RequestStream.WriteAsync(new EdgeMessage { Hello = new SyncHello { NodeId = nodeId, SiteId = siteId } }).WithTimeout();
        var missing = await none.FailureAsync();

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Null(await hub.SyncRowAsync(nodeId));
    }

    [Fact]
    public async Task Sync_HelloForAnotherSiteOrNoHello_Refused()
    {
        var siteId = await hub.NewSiteWithDoorAsync();
        var otherSite = await hub.NewSiteWithDoorAsync();
        var (nodeId, token) = await hub.NewEnrolledNodeAsync(siteId);

        using var wrongSite = await hub.OpenAsync(token, nodeId, otherSite, 0);
        var denied = await wrongSite.FailureAsync();
        using var ackFirst = hub.Sync.Sync(Tests.Nodes.NodeHub.NodeAuth(token));
        await ackFirst.AckAsync(1);
        var invalid = await ackFirst.FailureAsync();

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
    }

    [Fact]
    public async Task Sync_NodeRevokedMidStream_EndsWithPermissionDenied()
    {
        var siteId = await hub.NewSiteWithDoorAsync();
        var (nodeId, token) = await hub.NewEnrolledNodeAsync(siteId);
        using var call = await hub.OpenAsync(token, nodeId, siteId, 0);
        await call.ReadSnapshotAsync();

        await hub.Nodes.RevokeNodeAsync(new RevokeNodeRequest { NodeId = nodeId }, hub.Admin).ResponseAsync.WithTimeout();
        hub.Clock.Advance(SyncHub.HeartbeatInterval + TimeSpan.FromSeconds(1));
        var error = await call.FailureAsync();

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains(nodeId, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_Lag_GaugePerNodeFallsToZeroOnAck()
    {
        var siteId = await hub.NewSiteWithDoorAsync();
        var (nodeId, token) = await hub.NewEnrolledNodeAsync(siteId);
        using var call = await hub.OpenAsync(token, nodeId, siteId, 0);
        var position = (await call.ReadSnapshotAsync()).EndPosition;

        var before = ObserveLag(nodeId);
        await call.AckAsync(position);
        await WaitForAsync(() => Task.FromResult(ObserveLag(nodeId) == 0));

        Assert.Equal(position, before);
    }

    private static long? ObserveLag(string nodeId)
    {
        long? lag = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CloudTelemetry.Name && instrument.Name == "edgeaccess.sync.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "edgeaccess.node.id" && Equals(tag.Value, nodeId))
                {
                    lag = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return lag;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        // Polls the database-backed condition; bounded, so a failure cannot hang the run.
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition().WithTimeout())
        {
            Assert.True(elapsed.Elapsed < TestTimeouts.Default, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
