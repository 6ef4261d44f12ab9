using EdgeAccess.Cloud.Nodes.Commands;
using EdgeAccess.Cloud.Nodes.Health;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Nodes;

/// <summary>
/// A real hub for node status, watchdog and command tests: its watchdog service waits an hour
/// (tests call <see cref="NodeWatchdog.CheckAsync"/> themselves), and it logs from Information up.
/// </summary>
public sealed class NodeOpsHub() : AuthHub(new Dictionary<string, string?>
{
    ["Logging:LogLevel:Default"] = "Information",
    ["EdgeAccess:Watchdog:Interval"] = "01:00:00",
})
{
    /// <summary>The sync heartbeat the hub runs with (the default).</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary><c>edgeaccess.v1.NodeService</c>.</summary>
    public NodeService.Client Nodes => new(Host.Channel);

    /// <summary><c>edgeaccess.v1.SiteService</c>.</summary>
    public SiteService.Client Sites => new(Host.Channel);

    internal NodeWatchdog Watchdog => Host.App.Services.GetRequiredService<NodeWatchdog>();

    internal NodeCommandStore Commands => Host.App.Services.GetRequiredService<NodeCommandStore>();

    internal CommandNotifier Notifier => Host.App.Services.GetRequiredService<CommandNotifier>();

    internal NpgsqlDataSource DataSource => Host.App.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>Creates a site with one door as admin; returns both ids.</summary>
    public async Task<(string SiteId, string DoorId)> NewSiteWithDoorAsync()
    {
        var site = await Sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = $"site-{Guid.NewGuid():N}", TimeZone = "Europe/Berlin" } }, Admin).ResponseAsync.WithTimeout();
        var door = await Sites.CreateDoorAsync(new CreateDoorRequest { Door = new Door { SiteId = site.Id, Name = $"door-{Guid.NewGuid():N}" } }, Admin).ResponseAsync.WithTimeout();
        return (site.Id, door.Id);
    }

    /// <summary>Creates and enrolls a node on <paramref name="siteId"/>; returns its id.</summary>
    public async Task<string> NewEnrolledNodeAsync(string siteId)
    {
        var created = await Nodes.CreateNodeAsync(new CreateNodeRequest { NodeId = NodeHub.NewNodeId("ops"), SiteId = siteId }, Admin).ResponseAsync.WithTimeout();
        await new EnrollmentService.Client(Host.Channel)
            .EnrollAsync(new EnrollRequest { NodeId = created.Node.Id, EnrollmentCode = created.EnrollmentCode }).ResponseAsync.WithTimeout();
        return created.Node.Id;
    }

    /// <summary>The site's feed head.</summary>
    public async Task<long> HeadAsync(string siteId)
    {
        await using var command = DataSource.CreateCommand("SELECT head FROM feed_heads WHERE site_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.Parse(siteId) });
        return (long)(await command.ExecuteScalarAsync().WithTimeout())!;
    }

    /// <summary>Writes the node's <c>node_sync</c> row as a sync stream would have left it.</summary>
    public async Task SetSyncAsync(string nodeId, bool connected, DateTimeOffset lastSeen, long acked, DateTimeOffset? lastAck = null, DateTimeOffset? connectedAt = null)
    {
        await using var command = DataSource.CreateCommand("""
            INSERT INTO node_sync (node_id, acked_position, connected, last_seen_at, updated_at, last_ack_at, connected_at)
            VALUES ($1, $2, $3, $4, $4, $5, $6)
            ON CONFLICT (node_id) DO UPDATE SET acked_position = $2, connected = $3, last_seen_at = $4, updated_at = $4, last_ack_at = $5, connected_at = $6
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = acked });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = connected });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = lastSeen });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)lastAck ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)connectedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync().WithTimeout();
    }

    /// <summary>The node as the admin API shows it.</summary>
    public Task<Node> GetNodeAsync(string nodeId) => Nodes.GetNodeAsync(new GetNodeRequest { NodeId = nodeId }, Admin).ResponseAsync.WithTimeout();

    /// <summary>Log entries with the event name, as text.</summary>
    public List<string> Logged(string eventName, string nodeId) =>
        Logs.Entries.Where(e => e.EventId.Name == eventName && e.Text.Contains(nodeId, StringComparison.Ordinal)).Select(e => e.Text).ToList();
}
