using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Sync;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Cloud.Tests.Sync;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Nodes;

/// <summary>A node's OS accounts: reported over its real sync stream, listed, linked to people and unlinked (issue 6).</summary>
public sealed class NodeAccountTests(SyncHub hub) : IClassFixture<SyncHub>
{
    [Fact]
    public async Task Report_OverTheSyncStream_ReplacesTheNodesSet()
    {
        var (nodeId, call) = await ConnectedNodeAsync();
        using var stream = call;
        var person = await NewPersonAsync();

        await call.ReportAccountsAsync((0, "root"), (1000, "ada"), (1001, "ben"));
        var first = await ListAsync(nodeId);
        await hub.Nodes.LinkAccountAsync(new LinkNodeAccountRequest { NodeId = nodeId, Uid = 1000, PersonId = person }, hub.Admin).ResponseAsync.WithTimeout();
        await call.ReportAccountsAsync((0, "root"), (1000, "ada.l"), (1002, "cleo"));
        var second = await ListAsync(nodeId);
        await call.ReportAccountsAsync((0, "root"), (1002, "cleo"));
        var third = await ListAsync(nodeId);
        var linked = await ListAsync(nodeId, linkedOnly: true);

        Assert.Equal(["0 root present", "1000 ada present", "1001 ben present"], first.Select(Describe));
        Assert.All(first, a => Assert.Equal(a.Name + " (GECOS)", a.FullName));
        Assert.All(first, a => Assert.Equal(hub.Clock.GetUtcNow(), a.ReportTime.ToDateTimeOffset()));
        // Unlinked ben vanished and is gone; linked ada was renamed; cleo is new.
        Assert.Equal(["0 root present", $"1000 ada.l present {person}", "1002 cleo present"], second.Select(Describe));
        // Linked ada vanished: kept, absent, still linked.
        Assert.Equal(["0 root present", $"1000 ada.l absent {person}", "1002 cleo present"], third.Select(Describe));
        Assert.Equal([$"1000 ada.l absent {person}"], linked.Select(Describe));
        Assert.NotNull(linked[0].LinkTime);

        // The rename of a linked account is replicated, so it went through the audited path, by the node.
        var audit = await AuditAsync(nodeId, 1000);
        Assert.Contains(audit, a => a.Action == "update" && a.ActorName == "node " + nodeId && a.After!.Contains("\"name\": \"ada.l\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_Malformed_IgnoredLoggedAndTheStreamStaysOpen()
    {
        var (nodeId, call) = await ConnectedNodeAsync();
        using var stream = call;
        await call.ReportAccountsAsync((0, "root"), (1000, "ada"));

        await call.ReportAccountsAsync((0, "root"), (1000, "ada"), (1000, "ada2"));
        await call.ReportAccountsAsync((0, "root"), (4_294_967_296, "big"));
        await call.ReportAccountsAsync((0, "root"), (1001, new string('x', 65)));
        var ack = await call.UploadAsync();

        Assert.Equal(0, ack);
        Assert.Equal(["0 root present", "1000 ada present"], (await ListAsync(nodeId)).Select(Describe));
        var rejected = hub.Logs.Entries.Where(e => e.EventId.Name == "SyncAccountsRejected" && e.Text.Contains(nodeId, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rejected.Count);
        Assert.All(rejected, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Contains(rejected, e => e.Text.Contains("accounts[2].uid 1000 is listed twice", StringComparison.Ordinal));
        Assert.Contains(rejected, e => e.Text.Contains("accounts[1].uid 4294967296 is outside 0..4294967295", StringComparison.Ordinal));
        Assert.Contains(rejected, e => e.Text.Contains("accounts[1].name must be 1 to 64 characters", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_TooManyAccounts_Refused()
    {
        var report = new NodeAccounts();
        report.Accounts.AddRange(Enumerable.Range(0, NodeAccountSync.MaxAccounts + 1).Select(i => new OsAccount { Uid = i, Name = "u" + i }));

        Assert.Equal("10001 accounts; at most 10000", NodeAccountSync.Check(report));
        report.Accounts.RemoveAt(0);
        Assert.Null(NodeAccountSync.Check(report));
    }

    [Fact]
    public async Task LinkThenUnlink_AuditedAndRepeatingChangesNothing()
    {
        var (nodeId, call) = await ConnectedNodeAsync();
        using var stream = call;
        await call.ReportAccountsAsync((1000, "ada"));
        var person = await NewPersonAsync();
        var link = new LinkNodeAccountRequest { NodeId = nodeId, Uid = 1000, PersonId = person };

        var linked = await hub.Nodes.LinkAccountAsync(link, hub.Admin).ResponseAsync.WithTimeout();
        var again = await hub.Nodes.LinkAccountAsync(link, hub.Admin).ResponseAsync.WithTimeout();
        var unlinked = await hub.Nodes.UnlinkAccountAsync(new UnlinkNodeAccountRequest { NodeId = nodeId, Uid = 1000 }, hub.Admin).ResponseAsync.WithTimeout();
        var unlinkedAgain = await hub.Nodes.UnlinkAccountAsync(new UnlinkNodeAccountRequest { NodeId = nodeId, Uid = 1000 }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal((person, true), (linked.PersonId, linked.Present));
        Assert.Equal(hub.Clock.GetUtcNow(), linked.LinkTime.ToDateTimeOffset());
        Assert.Equal(linked, again);
        Assert.Equal(("", (Google.Protobuf.WellKnownTypes.Timestamp?)null), (unlinked.PersonId, unlinked.LinkTime));
        Assert.Equal(unlinked, unlinkedAgain);
        var audit = await AuditAsync(nodeId, 1000);
        Assert.Equal(["update", "update"], audit.Select(a => a.Action));
        Assert.Contains($"\"person_id\": \"{person}\"", audit[0].After, StringComparison.Ordinal);
        Assert.Contains("\"person_id\": null", audit[1].After, StringComparison.Ordinal);
        Assert.All(audit, a => Assert.StartsWith("admin-", a.ActorName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unlink_AccountNoLongerReported_RowRemoved()
    {
        var (nodeId, call) = await ConnectedNodeAsync();
        using var stream = call;
        await call.ReportAccountsAsync((1000, "ada"), (1001, "ben"));
        await hub.Nodes.LinkAccountAsync(new LinkNodeAccountRequest { NodeId = nodeId, Uid = 1000, PersonId = await NewPersonAsync() }, hub.Admin).ResponseAsync.WithTimeout();
        await call.ReportAccountsAsync((1001, "ben"));

        var unlinked = await hub.Nodes.UnlinkAccountAsync(new UnlinkNodeAccountRequest { NodeId = nodeId, Uid = 1000 }, hub.Admin).ResponseAsync.WithTimeout();
        var repeat = await Assert.ThrowsAsync<RpcException>(() => hub.Nodes.UnlinkAccountAsync(new UnlinkNodeAccountRequest { NodeId = nodeId, Uid = 1000 }, hub.Admin).ResponseAsync.WithTimeout());

        Assert.Equal(("", false), (unlinked.PersonId, unlinked.Present));
        Assert.Equal(["1001 ben present"], (await ListAsync(nodeId)).Select(Describe));
        Assert.Equal(StatusCode.NotFound, repeat.StatusCode);
    }

    [Fact]
    public async Task LinkAccount_UnknownOrBadIds_NotFoundOrInvalidArgumentNamingTheField()
    {
        var (nodeId, call) = await ConnectedNodeAsync();
        using var stream = call;
        await call.ReportAccountsAsync((1000, "ada"));
        var person = await NewPersonAsync();

        async Task<RpcException> Fails(LinkNodeAccountRequest request) =>
            await Assert.ThrowsAsync<RpcException>(() => hub.Nodes.LinkAccountAsync(request, hub.Admin).ResponseAsync.WithTimeout());

        var unknownNode = await Fails(new LinkNodeAccountRequest { NodeId = "no-such-node", Uid = 1000, PersonId = person });
        var unknownUid = await Fails(new LinkNodeAccountRequest { NodeId = nodeId, Uid = 1001, PersonId = person });
        var unknownPerson = await Fails(new LinkNodeAccountRequest { NodeId = nodeId, Uid = 1000, PersonId = Guid.NewGuid().ToString() });
        var badPerson = await Fails(new LinkNodeAccountRequest { NodeId = nodeId, Uid = 1000, PersonId = "ada" });
        var badUid = await Fails(new LinkNodeAccountRequest { NodeId = nodeId, Uid = -1, PersonId = person });
        var badNode = await Fails(new LinkNodeAccountRequest { NodeId = "Edge 1", Uid = 1000, PersonId = person });
        var listUnknown = await Assert.ThrowsAsync<RpcException>(() => hub.Nodes.ListAccountsAsync(new ListNodeAccountsRequest { NodeId = "no-such-node" }, hub.Admin).ResponseAsync.WithTimeout());

        Assert.Equal((StatusCode.NotFound, "node no-such-node not found"), (unknownNode.StatusCode, unknownNode.Status.Detail));
        Assert.Equal((StatusCode.NotFound, $"node {nodeId} reports no account with uid 1001"), (unknownUid.StatusCode, unknownUid.Status.Detail));
        Assert.Equal(StatusCode.NotFound, unknownPerson.StatusCode);
        Assert.StartsWith("person ", unknownPerson.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((StatusCode.InvalidArgument, "person_id: must be a UUID"), (badPerson.StatusCode, badPerson.Status.Detail));
        Assert.Equal((StatusCode.InvalidArgument, "uid: must be between 0 and 4294967295"), (badUid.StatusCode, badUid.Status.Detail));
        Assert.Equal(StatusCode.InvalidArgument, badNode.StatusCode);
        Assert.StartsWith("node_id: ", badNode.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.NotFound, listUnknown.StatusCode);
        Assert.Equal(["1000 ada present"], (await ListAsync(nodeId)).Select(Describe));
    }

    [Fact]
    public async Task ListAccounts_AuditorAndOperatorRead_OperatorMayNotLink()
    {
        var (nodeId, call) = await ConnectedNodeAsync();
        using var stream = call;
        await call.ReportAccountsAsync((1000, "ada"));

        var auditor = await hub.Nodes.ListAccountsAsync(new ListNodeAccountsRequest { NodeId = nodeId }, await hub.SignInAsync(UserRole.Auditor)).ResponseAsync.WithTimeout();
        var operatorCall = await hub.SignInAsync(UserRole.Operator);
        var seen = await hub.Nodes.ListAccountsAsync(new ListNodeAccountsRequest { NodeId = nodeId }, operatorCall).ResponseAsync.WithTimeout();
        var link = await Assert.ThrowsAsync<RpcException>(() => hub.Nodes.LinkAccountAsync(
            new LinkNodeAccountRequest { NodeId = nodeId, Uid = 1000, PersonId = Guid.NewGuid().ToString() }, operatorCall).ResponseAsync.WithTimeout());

        Assert.Equal(["1000 ada present"], auditor.Accounts.Select(Describe));
        Assert.Equal(auditor, seen);
        Assert.Equal(StatusCode.PermissionDenied, link.StatusCode);
    }

    private static string Describe(NodeAccount a) =>
        $"{a.Uid} {a.Name} {(a.Present ? "present" : "absent")}{(a.PersonId.Length > 0 ? " " + a.PersonId : "")}";

    private async Task<(string NodeId, AsyncDuplexStreamingCall<EdgeMessage, HubMessage> Call)> ConnectedNodeAsync()
    {
        var siteId = await hub.NewSiteWithDoorAsync();
        var (nodeId, token) = await hub.NewEnrolledNodeAsync(siteId);
        var call = await hub.OpenAsync(token, nodeId, siteId, 0);
        await call.ReadSnapshotAsync();
        return (nodeId, call);
    }

    private async Task<List<NodeAccount>> ListAsync(string nodeId, bool linkedOnly = false) =>
        [.. (await hub.Nodes.ListAccountsAsync(new ListNodeAccountsRequest { NodeId = nodeId, LinkedOnly = linkedOnly }, hub.Admin).ResponseAsync.WithTimeout()).Accounts];

    private async Task<string> NewPersonAsync() =>
        (await new PersonService.Client(hub.Host.Channel).CreatePersonAsync(
            new CreatePersonRequest { Person = new Person { DisplayName = "p-" + Guid.NewGuid().ToString("N")[..8] } }, hub.Admin).ResponseAsync.WithTimeout()).Id;

    private async Task<List<Data.Entities.AuditEntry>> AuditAsync(string nodeId, long uid)
    {
        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var id = (await db.NodeAccounts.AsNoTracking().SingleAsync(a => a.NodeId == nodeId && a.Uid == uid).WithTimeout()).Id.ToString();
        return await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "NodeAccount" && a.EntityId == id).OrderBy(a => a.Id).ToListAsync().WithTimeout();
    }
}
