using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Nodes.Health;

/// <summary>
/// Finds enrolled nodes that stopped consuming their site's feed: online and lagging with no
/// acknowledgement for <see cref="WatchdogOptions.StallAfter"/> (stalled), or not online for
/// <see cref="WatchdogOptions.OfflineAfter"/> (offline). Each episode raises one alert (log event
/// <c>NodeStalled</c> / <c>NodeOffline</c>, counter <c>edgeaccess.sync.alerts</c>) and its end one
/// <c>NodeRecovered</c>. Gauges: <c>edgeaccess.sync.nodes</c> by health, <c>edgeaccess.sync.node.lag</c>
/// per node.
/// </summary>
/// <remarks>
/// Every hub instance runs the check. The open alert is kept in <c>node_alerts</c> and changed with
/// a conditional write, so exactly one instance raises each alert and each recovery. The gauges are
/// the fleet's, read from the database, so every instance reports the same values: aggregate them
/// across instances with max, not sum.
/// </remarks>
internal sealed class NodeWatchdog
{
    private static readonly Counter<long> Alerts = CloudTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.sync.alerts", "{alert}", "Node watchdog alerts raised (stalled, offline) and recoveries.");

    private static readonly string[] HealthTags = ["online", "offline", "stalled", "never_connected"];

    private readonly NpgsqlDataSource _dataSource;
    private readonly NodeStatusReader _reader;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<WatchdogOptions> _options;
    private readonly ILogger<NodeWatchdog> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, NodeAlert> _known = new(StringComparer.Ordinal);
    private volatile Snapshot _snapshot = new([], new Dictionary<string, long>());

    /// <summary>Creates the watchdog and registers its gauges.</summary>
    public NodeWatchdog(NpgsqlDataSource dataSource, NodeStatusReader reader, TimeProvider time, IOptionsMonitor<WatchdogOptions> options, ILogger<NodeWatchdog> logger)
    {
        _dataSource = dataSource;
        _reader = reader;
        _time = time;
        _options = options;
        _logger = logger;
        CloudTelemetry.Meter.CreateObservableGauge("edgeaccess.sync.nodes", ObserveNodes, "{node}",
            "Enrolled nodes by sync health (online, offline, stalled, never_connected) at the last watchdog check.");
        CloudTelemetry.Meter.CreateObservableGauge("edgeaccess.sync.node.lag", ObserveLag, "{position}",
            "Site head minus the position the node acknowledged, per enrolled node, at the last watchdog check.");
    }

    /// <summary>Enrolled nodes per health tag at the last check.</summary>
    public IReadOnlyDictionary<string, int> Counts => _snapshot.Counts;

    /// <summary>Lag per enrolled node that ever connected, at the last check.</summary>
    public IReadOnlyDictionary<string, long> Lags => _snapshot.Lags;

    /// <summary>
    /// Checks every enrolled node once at the <see cref="TimeProvider"/>'s now; returns the alert
    /// changes this instance raised. Concurrent calls run one after the other.
    /// </summary>
    public async Task<IReadOnlyList<NodeAlertChange>> CheckAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            var options = _options.CurrentValue;
            var heartbeat = _reader.Heartbeat;
            var nodes = await _reader.ReadActiveAsync(cancellationToken);
            var counts = HealthTags.ToDictionary(t => t, _ => 0, StringComparer.Ordinal);
            var lags = new Dictionary<string, long>(StringComparer.Ordinal);
            var changes = new List<NodeAlertChange>();
            foreach (var node in nodes)
            {
                var health = node.Health(now, heartbeat, options.StallAfter);
                counts[Tag(health)]++;
                if (node.HasSyncRow)
                {
                    lags[node.NodeId] = node.Lag;
                }

                var alert = node.IsStalled(now, heartbeat, options.StallAfter) ? NodeAlert.Stalled
                    : node.IsOfflineTooLong(now, heartbeat, options.OfflineAfter) ? NodeAlert.Offline
                    : NodeAlert.None;
                if (_known.TryGetValue(node.NodeId, out var known) && known == alert)
                {
                    continue;
                }

                if (await TransitionAsync(node, alert, now, cancellationToken) is { } change)
                {
                    changes.Add(change);
                }

                // Only once written: a failed write is tried again at the next check.
                _known[node.NodeId] = alert;
            }

            // Revoked or re-enrolling nodes leave the watch with their alert.
            var active = nodes.Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _known.Keys.Where(k => !active.Contains(k)).ToList())
            {
                _known.Remove(gone);
            }

            await using (var prune = _dataSource.CreateCommand("DELETE FROM node_alerts a USING nodes n WHERE n.id = a.node_id AND n.status <> 1"))
            {
                await prune.ExecuteNonQueryAsync(cancellationToken);
            }

            _snapshot = new Snapshot(counts, lags);
            return changes;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes the node's new alert if it differs from the stored one; the instance whose write lands raises it.</summary>
    private async Task<NodeAlertChange?> TransitionAsync(NodeSyncStatus node, NodeAlert alert, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(alert == NodeAlert.None
            ? """
              UPDATE node_alerts a SET alert = 0, since = $3
              FROM (SELECT alert, since FROM node_alerts WHERE node_id = $1) old
              WHERE a.node_id = $1 AND a.alert <> $2
              RETURNING old.alert, old.since
              """
            : """
              WITH old AS (SELECT alert FROM node_alerts WHERE node_id = $1)
              INSERT INTO node_alerts AS a (node_id, alert, since) VALUES ($1, $2, $3)
              ON CONFLICT (node_id) DO UPDATE SET alert = EXCLUDED.alert, since = EXCLUDED.since WHERE a.alert <> EXCLUDED.alert
              RETURNING COALESCE((SELECT alert FROM old), 0::smallint), $3
              """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.NodeId });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)alert });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var previous = (NodeAlert)reader.GetInt16(0);
        var since = reader.GetFieldValue<DateTimeOffset>(1);
        switch (alert)
        {
            case NodeAlert.Stalled:
                WatchdogLog.Stalled(_logger, node.NodeId, node.SiteId, node.Lag, node.WaitingSince);
                break;
            case NodeAlert.Offline:
                WatchdogLog.Offline(_logger, node.NodeId, node.SiteId, node.LastSeenAt);
                break;
            default:
                WatchdogLog.Recovered(_logger, node.NodeId, node.SiteId, previous, since);
                break;
        }

        Alerts.Add(1, new KeyValuePair<string, object?>("edgeaccess.alert", alert == NodeAlert.None ? "recovered" : Tag(alert)));
        return new NodeAlertChange(node.NodeId, previous, alert);
    }

    private static string Tag(Protos.V1.NodeHealth health) => health switch
    {
        Protos.V1.NodeHealth.Online => "online",
        Protos.V1.NodeHealth.Stalled => "stalled",
        Protos.V1.NodeHealth.Offline => "offline",
        _ => "never_connected",
    };

    private static string Tag(NodeAlert alert) => alert == NodeAlert.Stalled ? "stalled" : "offline";

    private IEnumerable<Measurement<long>> ObserveNodes() =>
        _snapshot.Counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("edgeaccess.node.health", c.Key)));

    private IEnumerable<Measurement<long>> ObserveLag() =>
        _snapshot.Lags.Select(l => new Measurement<long>(l.Value, new KeyValuePair<string, object?>("edgeaccess.node.id", l.Key)));

    private sealed record Snapshot(Dictionary<string, int> Counts, Dictionary<string, long> Lags);
}
