using System.Diagnostics;
using EdgeAccess.Edge.AccessPoint;
using EdgeAccess.Edge.LabPolicy.Enforcement;
using EdgeAccess.Edge.LabPolicy.Grants;
using EdgeAccess.Edge.LabPolicy.Processes;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Edge.LabPolicy;

/// <summary>
/// Runs the lab-process policy (issue 6) on a lab server: every check interval of this node's
/// resources (the smallest, at most 5 s; 5 s while there is none) it reads the processes, decides
/// from the local replica — so it keeps enforcing while the hub is unreachable — and warns,
/// journals and terminates through a <see cref="LabEnforcer"/>. The hub passes journaled warnings
/// on to the person once the journal is uploaded.
/// </summary>
internal sealed partial class LabPolicyWorker(
    ReplicaIndexLoader loader,
    IServiceProvider services,
    IOptions<LabPolicyOptions> options,
    IOptions<LabAccountOptions> accounts,
    IOptions<EdgeOptions> edge,
    IOptions<AccessPointOptions> accessPoint,
    TimeProvider time,
    ILogger<LabPolicyWorker> logger) : BackgroundService
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);
    private readonly LabPolicyRecords _records = new();
    private string _invalid = "";

    /// <summary>The enforcer once started (tests).</summary>
    internal LabEnforcer? Enforcer { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || !OperatingSystem.IsLinux())
        {
            LabPolicyLog.Disabled(logger, settings.Enabled ? "not Linux: no /proc" : "EdgeAccess:LabPolicy:Enabled is false");
            return;
        }

        var enforcer = Enforcer = CreateEnforcer(settings);
        var maintenance = services.GetService<IMaintenanceState>();
        Func<string, bool> inMaintenance = maintenance is null ? _ => false : maintenance.IsInMaintenance;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var started = time.GetTimestamp();
                var interval = EffectiveLabPolicy.MaxCheckInterval;
                try
                {
                    interval = await TickAsync(enforcer, inMaintenance, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LabPolicyLog.TickFailed(logger, ex);
                }

                var left = interval - time.GetElapsedTime(started);
                await Task.Delay(left > TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await Task.WhenAny(enforcer.WhenIdleAsync(), Task.Delay(StopWait, time, CancellationToken.None));
        }
    }

    private async Task<TimeSpan> TickAsync(LabEnforcer enforcer, Func<string, bool> inMaintenance, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var records = await _records.GetAsync(loader.Store, cancellationToken);
        var result = await enforcer.TickAsync(records, inMaintenance, cancellationToken);
        var decision = result.Decision;
        LabPolicyMetrics.Tick(decision.Runs.Count, result.Duration, result.ScanDuration, decision.WatchedResources > 0);
        LabPolicyLog.Tick(logger, decision.WatchedResources, result.Processes, result.ScanDuration.TotalMilliseconds, decision.Runs.Count, decision.Actions.Count);
        ReportInvalid(decision.InvalidPatterns);
        if (result.StateError is not null)
        {
            LabPolicyLog.StateNotSaved(logger, result.StateError, enforcer.StatePath ?? "");
        }

        if (decision.Actions.Count > 0)
        {
            // A span only for ticks that did something: a quiet node ticks every second.
            using var activity = EdgeTelemetry.ActivitySource.StartActivity("lab.policy.tick", ActivityKind.Internal, parentContext: default, startTime: startedAt);
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("edgeaccess.lab.resources", decision.WatchedResources);
                activity.SetTag("edgeaccess.lab.processes", result.Processes);
                activity.SetTag("edgeaccess.lab.runs", decision.Runs.Count);
                activity.SetTag("edgeaccess.lab.warnings", decision.Actions.Count(a => a.Kind == LabActionKind.Warn));
                activity.SetTag("edgeaccess.lab.violations", decision.Actions.Count(a => a.Kind == LabActionKind.Violation));
                activity.SetTag("edgeaccess.lab.terminations", decision.Actions.Count(a => a.Kind == LabActionKind.Terminate));
            }
        }

        return decision.Interval;
    }

    private LabEnforcer CreateEnforcer(LabPolicyOptions settings)
    {
        var statePath = string.IsNullOrWhiteSpace(settings.StatePath)
            ? Path.Combine(accessPoint.Value.DataDirectory, LabPolicyOptions.StateFileName)
            : settings.StatePath;
        var engine = new LabPolicyEngine(ProgramPatternSet.FileSystemResolver, settings.EpisodeMemory);
        var warner = new LocalWarner(new LocalWarnerOptions
        {
            WriteToTerminals = settings.WriteToTerminals,
            Command = settings.LocalWarnCommand ?? [],
            CommandTimeout = settings.LocalWarnTimeout,
        });
        var passwd = new PasswdAccounts(accounts.Value.PasswdPath);
        var enforcer = new LabEnforcer(edge.Value.NodeId, engine, new ProcessTerminator(time, settings.TerminateWait), warner, loader.Journal, time, Observe, statePath)
        {
            LocalUserName = passwd.NameOf,
        };
        LabPolicyLog.Started(logger, enforcer.NodeId, statePath, engine.ExportState().Episodes.Count);
        return enforcer;
    }

    // Outcomes arrive from the enforcer's background tasks.
    private void Observe(LabOutcome outcome)
    {
        var run = outcome.Action.Run;
        var resourceId = run.Key.ResourceId;
        if (outcome.JournalError is not null)
        {
            LabPolicyLog.NotJournaled(logger, outcome.JournalError, outcome.JournalKind ?? "", resourceId);
        }

        switch (outcome.Action.Kind)
        {
            case LabActionKind.Warn:
                LabPolicyMetrics.Warned(resourceId);
                if (outcome.Warning is { } warning)
                {
                    LabPolicyLog.Warned(logger, run.UserName, run.Key.Uid, run.Key.ProcessGroup, resourceId, outcome.Action.Deadline, warning.Terminals.Count);
                    if (warning.CommandExitCode is { } code and not 0)
                    {
                        LabPolicyLog.WarnCommandFailed(logger, run.UserName, resourceId, code, warning.CommandError ?? "");
                    }
                }
                else if (outcome.Error is not null)
                {
                    LabPolicyLog.WarningFailed(logger, outcome.Error, run.UserName, resourceId);
                }

                break;
            case LabActionKind.Violation:
                LabPolicyMetrics.Violated(resourceId);
                LabPolicyLog.Violation(logger, run.UserName, run.Key.Uid, run.Executable, run.Key.ProcessGroup, resourceId, outcome.Action.Deadline);
                break;
            case LabActionKind.Terminate when outcome.Termination is { Succeeded: true } result:
                LabPolicyMetrics.Terminated(resourceId, result.Killed);
                LabPolicyLog.Terminated(logger, run.UserName, run.Key.Uid, run.Key.ProcessGroup, resourceId, result.SignalledPids.Count, result.Killed);
                break;
            case LabActionKind.Terminate:
                LabPolicyMetrics.Failed(resourceId);
                LabPolicyLog.TerminateFailed(logger, outcome.Error, run.UserName, run.Key.Uid, run.Key.ProcessGroup, resourceId, outcome.Termination?.Survivors.Count ?? 0);
                break;
        }
    }

    private void ReportInvalid(IReadOnlyList<string> invalid)
    {
        var joined = string.Join('\n', invalid);
        if (joined == _invalid)
        {
            return;
        }

        _invalid = joined;
        foreach (var entry in invalid)
        {
            LabPolicyLog.InvalidProgram(logger, entry);
        }
    }
}
