using System.Collections.Frozen;
using System.Globalization;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Edge.LabPolicy.Grants;

public sealed partial class GrantReconciler
{
    /// <summary>
    /// Counts failed passes per resource, puts a resource in maintenance after too many in a row,
    /// takes it out after a successful trial, and publishes the maintenance set.
    /// </summary>
    private async Task UpdateHealthAsync(GrantPlan plan, Pass pass, HashSet<string> trials)
    {
        var before = Volatile.Read(ref _maintenance);
        var involved = new SortedSet<string>(pass.Failed.Keys, StringComparer.Ordinal);
        involved.UnionWith(pass.Succeeded);
        involved.UnionWith(_state.Resources.Keys);
        foreach (var resourceId in involved)
        {
            ResourceHealth health;
            lock (_state)
            {
                health = _state.Health(resourceId);
            }

            if (pass.Failed.TryGetValue(resourceId, out var error))
            {
                health.ConsecutiveFailures++;
                health.LastError = error;
                _dirty = true;
                if (!health.Maintenance && health.ConsecutiveFailures >= _settings.MaxConsecutiveFailures)
                {
                    await EnterMaintenanceAsync(resourceId, health, pass.Now).ConfigureAwait(false);
                }
                else if (health.Maintenance)
                {
                    health.TrialAt = pass.Now + _settings.Backoff(health.ConsecutiveFailures);
                }
            }
            else
            {
                if (pass.Succeeded.Contains(resourceId) && health.ConsecutiveFailures > 0)
                {
                    health.ConsecutiveFailures = 0;
                    health.LastError = "";
                    _dirty = true;
                }

                if (health.Maintenance && trials.Contains(resourceId))
                {
                    await LeaveMaintenanceAsync(resourceId, health, "a full reconcile succeeded").ConfigureAwait(false);
                }
                else if (health.Maintenance && !plan.Resources.ContainsKey(resourceId) && !_state.Grants.Any(g => g.Resources.Contains(resourceId)))
                {
                    await LeaveMaintenanceAsync(resourceId, health, "the resource no longer runs on this node").ConfigureAwait(false);
                }
            }

            if (health.IsClear)
            {
                lock (_state)
                {
                    _state.Resources.Remove(resourceId);
                }
            }
        }

        var maintenance = _state.Resources.Where(r => r.Value.Maintenance).Select(r => r.Key).ToFrozenSet(StringComparer.Ordinal);
        Volatile.Write(ref _maintenance, maintenance);
        if (!maintenance.SetEquals(before))
        {
            MaintenanceChanged?.Invoke(this, EventArgs.Empty);
        }
    }

    private async Task EnterMaintenanceAsync(string resourceId, ResourceHealth health, DateTimeOffset now)
    {
        health.Maintenance = true;
        health.MaintenanceSince = now;
        health.TrialAt = now + _settings.Backoff(health.ConsecutiveFailures);
        _dirty = true;
        var reason = string.Create(CultureInfo.InvariantCulture, $"{health.ConsecutiveFailures} failed reconciles in a row; last: {health.LastError}");
        GrantLog.MaintenanceEntered(_logger, resourceId, health.ConsecutiveFailures, health.LastError);
        // Published at once, not at the end of the pass: the enforcement engine fails closed from now.
        Volatile.Write(ref _maintenance, _maintenance.Append(resourceId).ToFrozenSet(StringComparer.Ordinal));
        await JournalAsync(MaintenanceKind, new LabMaintenanceEvent
        {
            ResourceId = resourceId,
            Active = true,
            Reason = reason,
            ConsecutiveFailures = health.ConsecutiveFailures,
        }.ToByteArray(), resourceId).ConfigureAwait(false);
    }

    private async Task LeaveMaintenanceAsync(string resourceId, ResourceHealth health, string reason)
    {
        health.Maintenance = false;
        health.MaintenanceSince = null;
        health.ConsecutiveFailures = 0;
        health.LastError = "";
        _dirty = true;
        GrantLog.MaintenanceLeft(_logger, resourceId, reason);
        await JournalAsync(MaintenanceKind, new LabMaintenanceEvent { ResourceId = resourceId, Active = false, Reason = reason }.ToByteArray(), resourceId)
            .ConfigureAwait(false);
    }
}
