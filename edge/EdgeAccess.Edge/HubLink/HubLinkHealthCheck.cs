using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeAccess.Edge.HubLink;

/// <summary>
/// Reports the hub link as Degraded, never Unhealthy, when it is down: an edge node must keep
/// deciding offline, so losing the hub must not make an orchestrator restart it. Healthy needs
/// the sync stream open, not just the hub answering.
/// </summary>
internal sealed class HubLinkHealthCheck(HubLinkState state, SyncStatus sync) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var current = state.Current;
        var data = new Dictionary<string, object>
        {
            ["sync.connected"] = sync.IsConnected,
            ["sync.acked_position"] = sync.AckedPosition,
            ["sync.hub_head"] = sync.HubHead,
            ["journal.pending"] = sync.JournalPending,
            ["sync.sessions"] = sync.Sessions,
            ["sync.last_heard"] = sync.LastHeardAt?.ToString("O") ?? "never",
        };
        if (sync.IsConnected)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"Sync stream open at position {sync.AckedPosition} (hub head {sync.HubHead}).", data));
        }

        var why = sync.LastError is { } error ? $"sync stream down ({error})" : "sync stream not open yet";
        return Task.FromResult(current.IsUp
            ? HealthCheckResult.Degraded($"Hub {current.HubVersion} reachable, but {why}.", data: data)
            : HealthCheckResult.Degraded(current.LastContact is { } last ? $"Hub unreachable since after {last:O}; {why}." : $"Hub not reached yet; {why}.", data: data));
    }
}
