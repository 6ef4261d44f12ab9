using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Nodes;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Nodes;

/// <summary>An <see cref="AuthHub"/> (real hub, manual clock, captured logs) with node helpers.</summary>
public sealed class NodeHub : AuthHub
{
    /// <summary><c>edgeaccess.v1.NodeService</c>.</summary>
    public NodeService.Client Nodes => new(Host.Channel);

    /// <summary><c>edgeaccess.v1.EnrollmentService</c>.</summary>
    public EnrollmentService.Client Enrollment => new(Host.Channel);

    /// <summary>The hub's node authenticator.</summary>
    public NodeAuthenticator Authenticator => Host.App.Services.GetRequiredService<NodeAuthenticator>();

    /// <summary>A fresh node id.</summary>
    public static string NewNodeId(string prefix = "node") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    /// <summary>Creates a site as admin and returns its id.</summary>
    public async Task<string> NewSiteAsync(string zone = "Europe/Berlin")
    {
        var sites = new SiteService.Client(Host.Channel);
        var site = await sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = $"site-{Guid.NewGuid():N}", TimeZone = zone } }, Admin).ResponseAsync.WithTimeout();
        return site.Id;
    }

    /// <summary>Creates a pending node on a new site; returns the node and its code.</summary>
    public async Task<NodeEnrollment> NewNodeAsync(string? siteId = null)
    {
        siteId ??= await NewSiteAsync();
        return await Nodes.CreateNodeAsync(new CreateNodeRequest { NodeId = NewNodeId(), SiteId = siteId, Description = "lobby controller" }, Admin).ResponseAsync.WithTimeout();
    }

    /// <summary>Enrolls <paramref name="nodeId"/> with <paramref name="code"/>.</summary>
    public Task<EnrollResponse> EnrollAsync(string nodeId, string code) =>
        Enrollment.EnrollAsync(new EnrollRequest { NodeId = nodeId, EnrollmentCode = code }).ResponseAsync.WithTimeout();

    /// <summary>A new enrolled node; returns its id and token.</summary>
    public async Task<(string NodeId, string Token)> NewEnrolledNodeAsync()
    {
        var created = await NewNodeAsync();
        var enrolled = await EnrollAsync(created.Node.Id, created.EnrollmentCode);
        return (created.Node.Id, enrolled.NodeToken);
    }

    /// <summary>Authenticates <paramref name="token"/> as the sync stream will.</summary>
    public Task<NodeIdentity?> AuthenticateAsync(string token) => Authenticator.AuthenticateAsync($"Node {token}", CancellationToken.None).WithTimeout();

    /// <summary>Call options carrying a node token.</summary>
    public static CallOptions NodeAuth(string token) => new(Headers: new Metadata { { "authorization", $"Node {token}" } });

    /// <summary>Everything the audit trail recorded about a node, as text.</summary>
    public async Task<string> AuditTextAsync(string nodeId)
    {
        await using var scope = Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var rows = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "Node" && a.EntityId == nodeId).ToListAsync().WithTimeout();
        return string.Join("\n", rows.Select(r => $"{r.Action} {r.ActorName} {r.Before} {r.After}"));
    }

    /// <summary>The stored row of a node.</summary>
    public async Task<Data.Entities.Node> RowAsync(string nodeId)
    {
        await using var scope = Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.Nodes.AsNoTracking().SingleAsync(n => n.Id == nodeId).WithTimeout();
    }
}
