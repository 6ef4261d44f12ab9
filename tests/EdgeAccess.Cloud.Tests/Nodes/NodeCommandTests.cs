using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Nodes;

/// <summary>NodeService.SendCommand / ListCommands / CancelCommand: validation, roles, idempotency, expiry, audit.</summary>
public sealed class NodeCommandTests(NodeOpsHub hub) : IClassFixture<NodeOpsHub>
{
    [Fact]
    public async Task SendCommand_UnlockOwnSiteDoorAsOperator_QueuedWithIssuerAndTimes()
    {
        var (siteId, doorId) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var operatorCall = await hub.SignInAsync(UserRole.Operator);

        var status = await hub.Nodes.SendCommandAsync(Unlock(nodeId, doorId), operatorCall).ResponseAsync.WithTimeout();

        Assert.Equal(NodeCommandState.Queued, status.State);
        Assert.Equal(nodeId, status.NodeId);
        Assert.Equal(doorId, status.Command.UnlockDoor.DoorId);
        Assert.StartsWith("operator-", status.Command.IssuedBy, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(10), status.Command.ExpireTime.ToDateTimeOffset() - status.Command.IssueTime.ToDateTimeOffset());
        Assert.True(Guid.TryParse(status.Command.Id, out _));
    }

    [Fact]
    public async Task SendCommand_NoCommand_InvalidArgument()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);

        var error = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () =>
            hub.Nodes.SendCommandAsync(new SendCommandRequest { NodeId = nodeId }, hub.Admin).ResponseAsync);

        Assert.StartsWith("command: is required", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "unlock_door.duration")]
    [InlineData(301, "unlock_door.duration")]
    public async Task SendCommand_UnlockDurationOutOfRange_InvalidArgument(int seconds, string field)
    {
        var (siteId, doorId) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var request = Unlock(nodeId, doorId);
        request.UnlockDoor.Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds));

        var error = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.Nodes.SendCommandAsync(request, hub.Admin).ResponseAsync);

        Assert.StartsWith(field, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendCommand_TtlOverSevenDays_InvalidArgument()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var request = new SendCommandRequest { NodeId = nodeId, Resync = new ForceResync(), Ttl = Duration.FromTimeSpan(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1)) };

        var error = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.Nodes.SendCommandAsync(request, hub.Admin).ResponseAsync);

        Assert.StartsWith("ttl:", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendCommand_DoorOfAnotherSite_FailedPreconditionNamingBoth()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var (_, otherDoor) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);

        var error = await AuthAssert.FailsWith(StatusCode.FailedPrecondition, () => hub.Nodes.SendCommandAsync(Unlock(nodeId, otherDoor), hub.Admin).ResponseAsync);

        Assert.Contains($"door {otherDoor} is on site", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(siteId, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendCommand_UnknownDoorOrNode_NotFound()
    {
        var (siteId, doorId) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var unknownDoor = Guid.NewGuid().ToString();

        var door = await AuthAssert.FailsWith(StatusCode.NotFound, () => hub.Nodes.SendCommandAsync(Unlock(nodeId, unknownDoor), hub.Admin).ResponseAsync);
        var node = await AuthAssert.FailsWith(StatusCode.NotFound, () => hub.Nodes.SendCommandAsync(Unlock("no-such-node", doorId), hub.Admin).ResponseAsync);

        Assert.Equal($"door {unknownDoor} not found", door.Status.Detail);
        Assert.Equal("node no-such-node not found", node.Status.Detail);
    }

    [Fact]
    public async Task SendCommand_RevokedNode_FailedPrecondition()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        await hub.Nodes.RevokeNodeAsync(new RevokeNodeRequest { NodeId = nodeId }, hub.Admin).ResponseAsync.WithTimeout();

        var error = await AuthAssert.FailsWith(StatusCode.FailedPrecondition, () =>
            hub.Nodes.SendCommandAsync(new SendCommandRequest { NodeId = nodeId, Lockdown = new SetLockdown { Active = true } }, hub.Admin).ResponseAsync);

        Assert.Contains("revoked", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_Roles_AuditorReadsOnlyMemberNothing()
    {
        var (siteId, doorId) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var auditor = await hub.SignInAsync(UserRole.Auditor);
        var member = await hub.SignInAsync(UserRole.Member);
        var sent = await hub.Nodes.SendCommandAsync(Unlock(nodeId, doorId), hub.Admin).ResponseAsync.WithTimeout();

        var list = await hub.Nodes.ListCommandsAsync(new ListCommandsRequest { NodeId = nodeId }, auditor).ResponseAsync.WithTimeout();
        await AuthAssert.FailsWith(StatusCode.PermissionDenied, () => hub.Nodes.SendCommandAsync(Unlock(nodeId, doorId), auditor).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.PermissionDenied, () =>
            hub.Nodes.CancelCommandAsync(new CancelCommandRequest { NodeId = nodeId, CommandId = sent.Command.Id }, auditor).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.PermissionDenied, () => hub.Nodes.ListCommandsAsync(new ListCommandsRequest { NodeId = nodeId }, member).ResponseAsync);

        Assert.Equal(sent.Command.Id, Assert.Single(list.Commands).Command.Id);
    }

    [Fact]
    public async Task SendCommand_SameRequestIdTwice_OneCommandInItsCurrentState()
    {
        var (siteId, doorId) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var request = Unlock(nodeId, doorId);
        request.RequestId = Guid.NewGuid().ToString();

        var first = await hub.Nodes.SendCommandAsync(request, hub.Admin).ResponseAsync.WithTimeout();
        Assert.True(await hub.Commands.MarkDeliveredAsync(Guid.Parse(first.Command.Id), hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout());
        var retry = await hub.Nodes.SendCommandAsync(request, hub.Admin).ResponseAsync.WithTimeout();
        var other = request.Clone();
        other.UnlockDoor.Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(30));
        var reused = await AuthAssert.FailsWith(StatusCode.AlreadyExists, () => hub.Nodes.SendCommandAsync(other, hub.Admin).ResponseAsync);
        var list = await hub.Nodes.ListCommandsAsync(new ListCommandsRequest { NodeId = nodeId }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(first.Command, retry.Command);
        Assert.Equal(NodeCommandState.Delivered, retry.State);
        Assert.Contains("already used for a different request", reused.Status.Detail, StringComparison.Ordinal);
        Assert.Single(list.Commands);
    }

    [Fact]
    public async Task SendCommand_NotDeliveredWithinTtl_ExpiredAndNeverPending()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var sent = await hub.Nodes.SendCommandAsync(
            new SendCommandRequest { NodeId = nodeId, Resync = new ForceResync(), Ttl = Duration.FromTimeSpan(TimeSpan.FromMinutes(1)) }, hub.Admin).ResponseAsync.WithTimeout();

        hub.Clock.Advance(TimeSpan.FromMinutes(1));
        var listed = await hub.Nodes.ListCommandsAsync(new ListCommandsRequest { NodeId = nodeId, State = NodeCommandState.Expired }, hub.Admin).ResponseAsync.WithTimeout();
        var pending = await hub.Commands.PendingAsync(nodeId, hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout();
        var delivered = await hub.Commands.MarkDeliveredAsync(Guid.Parse(sent.Command.Id), hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout();
        var cancel = await AuthAssert.FailsWith(StatusCode.FailedPrecondition, () =>
            hub.Nodes.CancelCommandAsync(new CancelCommandRequest { NodeId = nodeId, CommandId = sent.Command.Id }, hub.Admin).ResponseAsync);

        Assert.Equal(sent.Command.Id, Assert.Single(listed.Commands).Command.Id);
        Assert.Empty(pending);
        Assert.False(delivered);
        Assert.Contains("already expired", cancel.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(NodeCommandState.Expired, (await ListAsync(nodeId)).Single().State);
    }

    [Fact]
    public async Task CancelCommand_Queued_CancelledAuditedAndRepeatable()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var operatorCall = await hub.SignInAsync(UserRole.Operator);
        var sent = await hub.Nodes.SendCommandAsync(new SendCommandRequest { NodeId = nodeId, Lockdown = new SetLockdown { Active = true, Reason = "drill" } }, operatorCall).ResponseAsync.WithTimeout();
        var cancel = new CancelCommandRequest { NodeId = nodeId, CommandId = sent.Command.Id };

        var cancelled = await hub.Nodes.CancelCommandAsync(cancel, operatorCall).ResponseAsync.WithTimeout();
        var again = await hub.Nodes.CancelCommandAsync(cancel, operatorCall).ResponseAsync.WithTimeout();
        var pending = await hub.Commands.PendingAsync(nodeId, hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout();
        var audit = await AuditAsync(sent.Command.Id);

        Assert.Equal(NodeCommandState.Cancelled, cancelled.State);
        Assert.NotNull(cancelled.CompleteTime);
        Assert.Equal(cancelled, again);
        Assert.Empty(pending);
        Assert.Equal(["create", "update"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(sent.Command.IssuedBy, a.ActorName));
        Assert.Contains("drill", audit[0].After, StringComparison.Ordinal);
        Assert.Contains("cancelled", audit[1].After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelCommand_AlreadyDelivered_FailedPrecondition()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var sent = await hub.Nodes.SendCommandAsync(new SendCommandRequest { NodeId = nodeId, Resync = new ForceResync() }, hub.Admin).ResponseAsync.WithTimeout();
        await hub.Commands.MarkDeliveredAsync(Guid.Parse(sent.Command.Id), hub.Clock.GetUtcNow(), CancellationToken.None).WithTimeout();

        var error = await AuthAssert.FailsWith(StatusCode.FailedPrecondition, () =>
            hub.Nodes.CancelCommandAsync(new CancelCommandRequest { NodeId = nodeId, CommandId = sent.Command.Id }, hub.Admin).ResponseAsync);

        Assert.Contains("already delivered", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListCommands_Paged_NewestFirst()
    {
        var (siteId, _) = await hub.NewSiteWithDoorAsync();
        var nodeId = await hub.NewEnrolledNodeAsync(siteId);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await hub.Nodes.SendCommandAsync(new SendCommandRequest { NodeId = nodeId, Resync = new ForceResync() }, hub.Admin).ResponseAsync.WithTimeout()).Command.Id);

            // Ids are UUIDv7 of the hub's clock: a later millisecond sorts later.
            hub.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var page1 = await hub.Nodes.ListCommandsAsync(new ListCommandsRequest { NodeId = nodeId, PageSize = 2 }, hub.Admin).ResponseAsync.WithTimeout();
        var page2 = await hub.Nodes.ListCommandsAsync(new ListCommandsRequest { NodeId = nodeId, PageSize = 2, PageToken = page1.NextPageToken }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(Enumerable.Reverse(ids), page1.Commands.Concat(page2.Commands).Select(c => c.Command.Id));
        Assert.Empty(page2.NextPageToken);
    }

    private static SendCommandRequest Unlock(string nodeId, string doorId) =>
        new() { NodeId = nodeId, UnlockDoor = new UnlockDoor { DoorId = doorId } };

    private async Task<List<NodeCommandStatus>> ListAsync(string nodeId) =>
        [.. (await hub.Nodes.ListCommandsAsync(new ListCommandsRequest { NodeId = nodeId }, hub.Admin).ResponseAsync.WithTimeout()).Commands];

    private async Task<List<Data.Entities.AuditEntry>> AuditAsync(string commandId)
    {
        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "NodeCommand" && a.EntityId == commandId).OrderBy(a => a.Id).ToListAsync().WithTimeout();
    }
}
