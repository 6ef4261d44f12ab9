using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Tests.Nodes;

/// <summary>The stream's side of the command queue: pending, delivered, completed, and the wake-up.</summary>
public sealed class NodeCommandQueueTests(NodeOpsHub hub) : IClassFixture<NodeOpsHub>
{
    [Fact]
    public async Task Pending_QueuedCommands_OldestFirstUntilDelivered()
    {
        var (siteId, doorId) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var first = await SendAsync(new SendCommandRequest { NodeId = nodeId, UnlockDoor = new UnlockDoor { DoorId = doorId } });
        hub.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await SendAsync(new SendCommandRequest { NodeId = nodeId, Lockdown = new SetLockdown { Active = true } });

        var pending = await PendingAsync(nodeId);
        Assert.True(await hub.Commands.MarkDeliveredAsync(Guid.Parse(first.Command.Id), hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout());
        Assert.False(await hub.Commands.MarkDeliveredAsync(Guid.Parse(first.Command.Id), hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout());
        var after = await PendingAsync(nodeId);

        Assert.Equal([first.Command, second.Command], pending);
        Assert.Equal([second.Command], after);
        var listed = await GetAsync(nodeId, first.Command.Id);
        Assert.Equal(NodeCommandState.Delivered, listed.State);
        Assert.Equal(hub.Clock.GetUtcNow(), listed.DeliverTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task Complete_ResultOfOwnCommand_RecordedOnceOthersIgnored()
    {
        var (siteId, doorId) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var otherNode = await hub.NewEnrolledNodeAsync(siteId);
        var sent = await SendAsync(new SendCommandRequest { NodeId = nodeId, UnlockDoor = new UnlockDoor { DoorId = doorId } });
        var id = Guid.Parse(sent.Command.Id);
        await hub.Commands.MarkDeliveredAsync(id, hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout();
        var failed = new CommandResult { CommandId = sent.Command.Id, Succeeded = false, Message = "door controller offline", CompleteTime = Timestamp.FromDateTimeOffset(hub.Clock.GetUtcNow()) };
        var now = hub.Clock.GetUtcNow();

        var byOther = await hub.Commands.CompleteAsync(otherNode, failed, now, CancellationToken.None).WithTimeout();
        var unknown = await hub.Commands.CompleteAsync(nodeId, new CommandResult { CommandId = Guid.NewGuid().ToString(), Succeeded = true }, now, CancellationToken.None).WithTimeout();
        var malformed = await hub.Commands.CompleteAsync(nodeId, new CommandResult { CommandId = "not-a-uuid", Succeeded = true }, now, CancellationToken.None).WithTimeout();
        var recorded = await hub.Commands.CompleteAsync(nodeId, failed, now, CancellationToken.None).WithTimeout();
        var resent = await hub.Commands.CompleteAsync(nodeId, new CommandResult { CommandId = sent.Command.Id, Succeeded = true }, now.AddSeconds(5), CancellationToken.None).WithTimeout();

        Assert.False(byOther);
        Assert.False(unknown);
        Assert.False(malformed);
        Assert.True(recorded);
        Assert.False(resent);
        var status = await GetAsync(nodeId, sent.Command.Id);
        Assert.Equal(NodeCommandState.Failed, status.State);
        Assert.Equal("door controller offline", status.ResultMessage);
        Assert.Equal(now, status.CompleteTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task Pending_PastExpiry_MarkedExpired()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var sent = await SendAsync(new SendCommandRequest { NodeId = nodeId, Resync = new ForceResync(), Ttl = Duration.FromTimeSpan(TimeSpan.FromSeconds(30)) });

        var pending = await hub.Commands.PendingAsync(nodeId, hub.Clock.GetUtcNow().AddSeconds(30), CancellationToken.None).WithTimeout();

        Assert.Empty(pending);
        var status = await GetAsync(nodeId, sent.Command.Id);
        Assert.Equal(NodeCommandState.Expired, status.State);
        Assert.NotNull(status.CompleteTime);
    }

    [Fact]
    public async Task SendCommand_WhileStreamWaits_NotificationWakesIt()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var quiet = hub.Notifier.WaitAsync(nodeId, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.False(await quiet.WithTimeout());

        var waiter = hub.Notifier.WaitAsync(nodeId, TimeSpan.FromSeconds(20), CancellationToken.None);
        await SendAsync(new SendCommandRequest { NodeId = nodeId, Lockdown = new SetLockdown { Active = false } });

        Assert.True(await waiter.WithTimeout());
        Assert.Single(await PendingAsync(nodeId));
    }

    [Fact]
    public async Task Commands_StateChanges_CountedByKindAndState()
    {
        var (siteId, doorId) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var counted = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Cloud" && instrument.Name == "edgeaccess.node.commands")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var values = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            counted.Enqueue($"{values.GetValueOrDefault("edgeaccess.command.kind")}/{values.GetValueOrDefault("edgeaccess.command.state")}:{value}");
        });
        listener.Start();

        var sent = await SendAsync(new SendCommandRequest { NodeId = nodeId, UnlockDoor = new UnlockDoor { DoorId = doorId } });
        await hub.Commands.MarkDeliveredAsync(Guid.Parse(sent.Command.Id), hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout();
        await hub.Commands.CompleteAsync(nodeId, new CommandResult { CommandId = sent.Command.Id, Succeeded = true }, hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout();

        Assert.Contains("unlock_door/queued:1", counted);
        Assert.Contains("unlock_door/delivered:1", counted);
        Assert.Contains("unlock_door/succeeded:1", counted);
    }

    private Task<NodeCommandStatus> SendAsync(SendCommandRequest request) => hub.Nodes.SendCommandAsync(request, hub.Admin).ResponseAsync.WithTimeout();

    private async Task<List<NodeCommand>> PendingAsync(string nodeId) =>
        [.. await hub.Commands.PendingAsync(nodeId, hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout()];

    private async Task<NodeCommandStatus> GetAsync(string nodeId, string commandId) =>
        (await hub.Nodes.ListCommandsAsync(new ListCommandsRequest { NodeId = nodeId }, hub.Admin).ResponseAsync.WithTimeout()).Commands.Single(c => c.Command.Id == commandId);
}
