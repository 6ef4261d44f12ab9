using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Sync;
using EdgeAccess.Protos.V1;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Nodes.Health;

/// <summary>
/// Reads the sync status of nodes in one query (nodes ⟕ node_sync ⟕ feed_heads, plus the commit
/// time of the first unacknowledged feed entry) and judges their health against the sync
/// heartbeat (<c>EdgeAccess:Sync</c>) and the watchdog's stall limit (<c>EdgeAccess:Watchdog</c>).
/// </summary>
internal sealed class NodeStatusReader(NpgsqlDataSource dataSource, TimeProvider time, IOptionsMonitor<SyncOptions> sync, IOptionsMonitor<WatchdogOptions> watchdog)
{
    private const string Sql = """
        SELECT n.id, n.site_id, n.status, n.enrolled_at,
               s.node_id IS NOT NULL, COALESCE(s.connected, false), s.last_seen_at, COALESCE(s.acked_position, 0),
               COALESCE(h.head, 0), s.last_ack_at, GREATEST(s.last_ack_at, s.connected_at, e.committed_at)
        FROM nodes n
        LEFT JOIN node_sync s ON s.node_id = n.id
        LEFT JOIN feed_heads h ON h.site_id = n.site_id
        LEFT JOIN LATERAL (
            SELECT f.committed_at FROM feed_entries f WHERE f.site_id = n.site_id AND f.position = s.acked_position + 1) e ON true
        """;

    /// <summary>The sync heartbeat interval the hub runs with.</summary>
    public TimeSpan Heartbeat => sync.CurrentValue.HeartbeatInterval;

    /// <summary>The stall limit the hub runs with.</summary>
    public TimeSpan StallAfter => watchdog.CurrentValue.StallAfter;

    /// <summary>The status of each of <paramref name="nodeIds"/> that exists, by id.</summary>
    public async Task<Dictionary<string, NodeSyncStatus>> ReadAsync(IReadOnlyCollection<string> nodeIds, CancellationToken cancellationToken)
    {
        if (nodeIds.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(Sql + " WHERE n.id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = nodeIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return (await ReadRowsAsync(command, cancellationToken)).ToDictionary(s => s.NodeId, StringComparer.Ordinal);
    }

    /// <summary>The status of every enrolled (active) node.</summary>
    public async Task<List<NodeSyncStatus>> ReadActiveAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql + " WHERE n.status = 1 ORDER BY n.id");
        return await ReadRowsAsync(command, cancellationToken);
    }

    /// <summary>Fills the sync fields of <paramref name="node"/> (left at their defaults when <paramref name="status"/> is null).</summary>
    public void Fill(Node node, NodeSyncStatus? status)
    {
        if (status is null)
        {
            node.Health = NodeHealth.NeverConnected;
            return;
        }

        var now = time.GetUtcNow();
        node.Connected = status.Connected;
        node.AckedPosition = status.AckedPosition;
        node.SiteHead = status.SiteHead;
        node.Lag = status.Lag;
        node.LastAckTime = AdminFields.ToTimestamp(status.LastAckAt);
        node.Stalled = status.IsStalled(now, Heartbeat, StallAfter);
        node.Health = status.Health(now, Heartbeat, StallAfter);
    }

    private static async Task<List<NodeSyncStatus>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<NodeSyncStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new NodeSyncStatus(
                reader.GetString(0),
                reader.GetGuid(1),
                (Stored.NodeStatus)reader.GetInt16(2),
                Optional(reader, 3),
                reader.GetBoolean(4),
                reader.GetBoolean(5),
                Optional(reader, 6),
                reader.GetInt64(7),
                reader.GetInt64(8),
                Optional(reader, 9),
                Optional(reader, 10)));
        }

        return rows;
    }

    private static DateTimeOffset? Optional(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
