using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using EdgeAccess.Edge.Replica;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Edge.LabPolicy.Grants;

/// <summary>What one reconcile pass did.</summary>
/// <param name="Granted">Grant commands that succeeded.</param>
/// <param name="Revoked">Revoke commands that succeeded.</param>
/// <param name="Failed">Grant, revoke and list commands that failed.</param>
/// <param name="Refused">Commands not run because a value was not valid (first time only).</param>
/// <param name="Deferred">Commands not tried because their retry was not due yet.</param>
public sealed record GrantPassResult(int Granted, int Revoked, int Failed, int Refused, int Deferred);

/// <summary>
/// Keeps the OS group memberships of this node's lab resources in line with their bookings: a
/// linked account whose person holds a confirmed booking covering now is a member of the
/// resource's <c>os_group</c>, nobody else this node knows is. Each pass compares that desired
/// state with the actual one (the state file of what this node granted and, when a list command is
/// configured, what the OS reports) and runs the grant and revoke commands for the differences only,
/// so a succeeded grant is not run again. Run at start-up (catching up after a restart or an offline
/// period), when the replica changes and on every tick (booking starts and ends).
/// </summary>
/// <remarks>
/// Failures are retried on later passes with exponential backoff. After
/// <see cref="GrantSettings.MaxConsecutiveFailures"/> failed passes in a row a resource enters
/// maintenance (persisted, journaled as <c>lab.maintenance</c>, <see cref="IsInMaintenance"/> true,
/// so the enforcement engine lets nobody run its programs) and everybody is revoked from its group.
/// Once nothing is granted for it any more, a trial pass with its real desired state runs at the
/// backoff; when that full reconcile succeeds it leaves maintenance (the half-open state of a circuit
/// breaker: a maintenance that ends only by proof that the commands work again, not by flapping).
/// </remarks>
public sealed partial class GrantReconciler : IMaintenanceState, IDisposable
{
    /// <summary>Journal kind of a grant command run.</summary>
    public const string GrantKind = "lab.grant";

    /// <summary>Journal kind of a revoke command run.</summary>
    public const string RevokeKind = "lab.revoke";

    /// <summary>Journal kind of entering or leaving maintenance.</summary>
    public const string MaintenanceKind = "lab.maintenance";

    private readonly GrantSettings _settings;
    private readonly CommandRunner _runner;
    private readonly Func<EventJournal> _journal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GrantTelemetry.Instruments _instruments;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Per command (grant or revoke of one membership): failures in a row and when to try again.
    private readonly Dictionary<(bool Grant, Membership Membership), (int Failures, DateTimeOffset At)> _retries = [];

    // Refusals already journaled, so an invalid name is reported once, not on every tick.
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private readonly GrantState _state;
    private FrozenSet<string> _maintenance;
    private bool _dirty;

    /// <summary>Creates the reconciler and reads its state file (a resource in maintenance stays so from the first moment).</summary>
    /// <param name="settings">Node, commands, state file, failure policy.</param>
    /// <param name="journal">The node's event journal (open by the time a pass runs).</param>
    /// <param name="time">The clock of bookings, backoff and command timeouts.</param>
    /// <param name="logger">The log.</param>
    /// <param name="meterFactory">Creates the meter; null: a standalone meter.</param>
    public GrantReconciler(GrantSettings settings, Func<EventJournal> journal, TimeProvider time, ILogger<GrantReconciler> logger, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _journal = journal;
        _time = time;
        _logger = logger;
        _runner = new CommandRunner(settings.CommandTimeout, time);
        _state = LoadState(settings.StatePath, time, logger);
        _maintenance = _state.Resources.Where(r => r.Value.Maintenance).Select(r => r.Key).ToFrozenSet(StringComparer.Ordinal);
        _instruments = new GrantTelemetry.Instruments(meterFactory, () => Volatile.Read(ref _maintenance).Count);
    }

    /// <summary>Raised after a pass that changed which resources are in maintenance.</summary>
    public event EventHandler? MaintenanceChanged;

    /// <summary>The resources in maintenance now.</summary>
    public IReadOnlySet<string> ResourcesInMaintenance => Volatile.Read(ref _maintenance);

    /// <inheritdoc/>
    public bool IsInMaintenance(string resourceId) => Volatile.Read(ref _maintenance).Contains(resourceId);

    /// <summary>
    /// One pass: computes the desired memberships at the clock's now, reads the actual ones, runs
    /// the commands for the differences, updates failures and maintenance, and saves the state.
    /// </summary>
    /// <param name="inputs">The site's resources, bookings and account links from the replica.</param>
    /// <param name="cancellationToken">Stops between commands (a running command finishes or times out).</param>
    public async Task<GrantPassResult> ReconcileAsync(GrantInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var pass = new Pass(_time.GetUtcNow());
        try
        {
            await ReconcileLockedAsync(new GrantPlan(inputs, _settings.NodeId), pass, cancellationToken).ConfigureAwait(false);
            GrantLog.Reconciled(_logger, pass.Granted, pass.Revoked, pass.FailedCount, pass.Refused, _maintenance.Count);
            return new GrantPassResult(pass.Granted, pass.Revoked, pass.FailedCount, pass.Refused, pass.Deferred);
        }
        finally
        {
            SaveIfDirty();
            if (pass.Activity is { } activity)
            {
                if (activity.IsAllDataRequested)
                {
                    activity.SetTag("edgeaccess.lab.granted", pass.Granted);
                    activity.SetTag("edgeaccess.lab.revoked", pass.Revoked);
                    activity.SetTag("edgeaccess.lab.failed", pass.FailedCount);
                }

                if (pass.FailedCount > 0)
                {
                    activity.SetStatus(ActivityStatusCode.Error);
                }

                activity.Dispose();
            }

            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    private static GrantState LoadState(string path, TimeProvider time, ILogger logger)
    {
        try
        {
            return GrantState.Load(path);
        }
        catch (InvalidDataException ex)
        {
            // Keep the evidence; a list command (if configured) still finds what was granted.
            var aside = $"{path}.corrupt-{time.GetUtcNow().ToUnixTimeSeconds()}";
            File.Move(path, aside, overwrite: true);
            GrantLog.StateUnreadable(logger, path, ex.Message, aside);
            return new GrantState();
        }
    }

    private void SaveIfDirty()
    {
        if (!_dirty)
        {
            return;
        }

        try
        {
            lock (_state)
            {
                _state.Save(_settings.StatePath);
            }

            _dirty = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            GrantLog.StateNotSaved(_logger, _settings.StatePath, ex);
        }
    }

    /// <summary>The bookkeeping of one pass.</summary>
    private sealed class Pass(DateTimeOffset now)
    {
        public DateTimeOffset Now { get; } = now;

        /// <summary>Resources with a failed command this pass, with the last error.</summary>
        public Dictionary<string, string> Failed { get; } = new(StringComparer.Ordinal);

        /// <summary>Resources with a succeeded command this pass.</summary>
        public HashSet<string> Succeeded { get; } = new(StringComparer.Ordinal);

        /// <summary>The commands this pass needed (their retry records are kept).</summary>
        public HashSet<(bool Grant, Membership Membership)> Needed { get; } = [];

        public int Granted { get; set; }

        public int Revoked { get; set; }

        public int FailedCount { get; set; }

        public int Refused { get; set; }

        public int Deferred { get; set; }

        public Activity? Activity { get; set; }

        public void Fail(IEnumerable<string> resources, string error)
        {
            FailedCount++;
            foreach (var resource in resources)
            {
                Failed[resource] = error;
            }
        }
    }
}
