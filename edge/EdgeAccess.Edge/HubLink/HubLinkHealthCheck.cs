using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeAccess.Edge.HubLink;

/// <summary>
/// Reports the hub link as Degraded, never Unhealthy, when it is down: an edge node must keep
/// deciding offline, so losing the hub must not make an orchestrator restart it.
/// </summary>
internal sealed class HubLinkHealthCheck(HubLinkState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var current = state.Current;
        return Task.FromResult(current.IsUp
            ? HealthCheckResult.Healthy($"Hub {current.HubVersion} reachable.")
            : HealthCheckResult.Degraded(current.LastContact is { } last ? $"Hub unreachable since after {last:O}." : "Hub not reached yet."));
    }
}
