using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Cloud.Tests.Nodes;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Sync;

/// <summary>An <see cref="AuthHub"/> whose sync streams poll fast, with site, node and stream helpers.</summary>
public sealed class SyncHub() : AuthHub(new Dictionary<string, string?> { ["EdgeAccess:Sync:PollInterval"] = "00:00:00.100" })
{
    /// <summary>The heartbeat interval the hub runs with (the default).</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary><c>edgeaccess.v1.NodeService</c>.</summary>
    public NodeService.Client Nodes => new(Host.Channel);

    /// <summary><c>edgeaccess.v1.SiteService</c>.</summary>
    public SiteService.Client Sites => new(Host.Channel);

    /// <summary><c>edgeaccess.v1.EdgeSync</c>.</summary>
    public EdgeSync.Client Sync => new(Host.Channel);

    /// <summary>Creates a site with one door as admin; returns the site id.</summary>
    public async Task<string> NewSiteWithDoorAsync()
    {
        var site = await Sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = $"site-{Guid.NewGuid():N}", TimeZone = "Europe/Berlin" } }, Admin).ResponseAsync.WithTimeout();
        await AddDoorAsync(site.Id);
        return site.Id;
    }

    /// <summary>Adds a door to a site as admin; returns its id.</summary>
    public async Task<string> AddDoorAsync(string siteId)
    {
        var door = await Sites.CreateDoorAsync(new CreateDoorRequest { Door = new Door { SiteId = siteId, Name = $"door-{Guid.NewGuid():N}" } }, Admin).ResponseAsync.WithTimeout();
        return door.Id;
    }

    /// <summary>Creates and enrolls a node of <paramref name="siteId"/>; returns its id and token.</summary>
    public async Task<(string NodeId, string Token)> NewEnrolledNodeAsync(string siteId)
    {
        var created = await Nodes.CreateNodeAsync(new CreateNodeRequest { NodeId = NodeHub.NewNodeId("sync"), SiteId = siteId }, Admin).ResponseAsync.WithTimeout();
        var enrolled = await new EnrollmentService.Client(Host.Channel)
            .EnrollAsync(new EnrollRequest { NodeId = created.Node.Id, EnrollmentCode = created.EnrollmentCode }).ResponseAsync.WithTimeout();
        return (created.Node.Id, enrolled.NodeToken);
    }

    /// <summary>Opens a sync stream with <paramref name="token"/> and sends the Hello.</summary>
    public async Task<AsyncDuplexStreamingCall<EdgeMessage, HubMessage>> OpenAsync(string token, string nodeId, string siteId, long position)
    {
        var call = Sync.Sync(NodeHub.NodeAuth(token));
        var hello = new SyncHello { NodeId = nodeId, SiteId = siteId, ReplicaPosition = position, SchemaVersion = 1 };
        await call.RequestStream.WriteAsync(new EdgeMessage { Hello = hello }).WithTimeout();
        return call;
    }

    /// <summary>The stored acknowledged position of a node (null: no row).</summary>
    public async Task<Data.Entities.NodeSync?> SyncRowAsync(string nodeId)
    {
        await using var scope = Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.NodeSync.AsNoTracking().SingleOrDefaultAsync(n => n.NodeId == nodeId).WithTimeout();
    }
}

/// <summary>Reading what the hub sends, every step bounded.</summary>
public static class SyncStreamExtensions
{
    /// <summary>The next replica message: heartbeats, journal acks and digests (other conversations on the stream) are skipped.</summary>
    public static async Task<HubMessage> NextAsync(this AsyncDuplexStreamingCall<EdgeMessage, HubMessage> call)
    {
        while (true)
        {
            Assert.True(await call.ResponseStream.MoveNext().WithTimeout(), "the hub ended the stream");
            if (call.ResponseStream.Current.MessageCase is not (HubMessage.MessageOneofCase.Heartbeat
                or HubMessage.MessageOneofCase.JournalAck or HubMessage.MessageOneofCase.Digest))
            {
                return call.ResponseStream.Current;
            }
        }
    }

    /// <summary>Reads a whole snapshot (Begin, Chunks, End); returns its begin and records.</summary>
    public static async Task<(SnapshotBegin Begin, List<FeedChange> Records, long EndPosition)> ReadSnapshotAsync(this AsyncDuplexStreamingCall<EdgeMessage, HubMessage> call)
    {
        var first = await call.NextAsync();
        Assert.Equal(HubMessage.MessageOneofCase.SnapshotBegin, first.MessageCase);
        var records = new List<FeedChange>();
        while (true)
        {
            var message = await call.NextAsync();
            if (message.MessageCase == HubMessage.MessageOneofCase.SnapshotEnd)
            {
                return (first.SnapshotBegin, records, message.SnapshotEnd.Position);
            }

            Assert.Equal(HubMessage.MessageOneofCase.SnapshotChunk, message.MessageCase);
            Assert.InRange(message.SnapshotChunk.Records.Count, 1, 1000);
            records.AddRange(message.SnapshotChunk.Records);
        }
    }

    /// <summary>Reads until the hub ends the stream with an error; returns it.</summary>
    public static async Task<RpcException> FailureAsync(this AsyncDuplexStreamingCall<EdgeMessage, HubMessage> call) =>
        await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext().WithTimeout())
            {
            }
        });

    /// <summary>Acknowledges <paramref name="position"/>.</summary>
    public static Task AckAsync(this AsyncDuplexStreamingCall<EdgeMessage, HubMessage> call, long position) =>
        call.RequestStream.WriteAsync(new EdgeMessage { Ack = new SyncAck { Position = position } }).WithTimeout();
}
