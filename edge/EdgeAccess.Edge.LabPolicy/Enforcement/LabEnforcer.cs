using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

/// <summary>
/// Runs the lab-process policy one tick at a time: reads the process table, asks the
/// <see cref="LabPolicyEngine"/>, journals every warning, violation and termination as a
/// <see cref="LabProcessEvent"/>, tells users locally and terminates runs. Warnings and
/// terminations run in the background (bounded by their own timeouts) so a tick never waits for
/// them; <see cref="WhenIdleAsync"/> waits. Each outcome is reported to the observer.
/// </summary>
public sealed class LabEnforcer
{
    private readonly LabPolicyEngine _engine;
    private readonly ProcessTerminator _terminator;
    private readonly LocalWarner _warner;
    private readonly EventJournal _journal;
    private readonly TimeProvider _time;
    private readonly Action<LabOutcome> _observer;
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _background = [];
    private long _savedVersion;

    /// <summary>Creates the enforcer; restores the engine's state from <see cref="StatePath"/> when set.</summary>
    public LabEnforcer(
        string nodeId, LabPolicyEngine engine, ProcessTerminator terminator, LocalWarner warner, EventJournal journal, TimeProvider time,
        Action<LabOutcome>? observer = null, string? statePath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        NodeId = nodeId;
        _engine = engine;
        _terminator = terminator;
        _warner = warner;
        _journal = journal;
        _time = time;
        _observer = observer ?? (_ => { });
        StatePath = statePath;
        if (statePath is not null && LabPolicyStateFile.Load(statePath) is { } state)
        {
            engine.ImportState(state);
            _savedVersion = engine.StateVersion;
        }
    }

    /// <summary>This node's id.</summary>
    public string NodeId { get; }

    /// <summary>Where the engine's state is kept; null: in memory only.</summary>
    public string? StatePath { get; }

    /// <summary>Local account names (passwd); defaults to none.</summary>
    public Func<long, string?> LocalUserName { get; init; } = _ => null;

    /// <summary>
    /// Reads the process table; defaults to the real <c>/proc</c>, with executables and arguments of
    /// every process but root's (root is always exempt, and a lab server runs many root daemons).
    /// </summary>
    public Func<ProcessTable> ReadProcesses { get; init; } = () => ProcessTable.Read(ProcessDetail.Full, p => p.Uid != 0);

    /// <summary>Runs one tick.</summary>
    public async Task<LabTickResult> TickAsync(LabRecords records, Func<string, bool> inMaintenance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(inMaintenance);
        var started = _time.GetTimestamp();
        var watched = records.Resources.Any(r => r.NodeId == NodeId && r.LabPolicy is { Mode: not LabPolicyMode.Off });
        // Without a watched resource the engine needs no processes: skip the scan.
        var table = watched ? ReadProcesses() : new ProcessTable([]);
        var scanned = _time.GetElapsedTime(started);
        var decision = _engine.Evaluate(new LabPolicyInput(_time.GetUtcNow(), NodeId, records.Resources, records.Bookings, records.Accounts, table)
        {
            InMaintenance = inMaintenance,
            LocalUserName = LocalUserName,
            TimeZone = records.TimeZone,
        });

        foreach (var action in decision.Actions)
        {
            switch (action.Kind)
            {
                case LabActionKind.Warn:
                    var journaled = await JournalAsync(LabAction.WarningKind, WithCgroup(action.ToEvent()), cancellationToken).ConfigureAwait(false);
                    Track(WarnAsync(action, journaled, cancellationToken));
                    break;
                case LabActionKind.Violation:
                    var error = await JournalAsync(LabAction.ViolationKind, WithCgroup(action.ToEvent()), cancellationToken).ConfigureAwait(false);
                    _observer(new LabOutcome(action, LabAction.ViolationKind, JournalError: error));
                    break;
                case LabActionKind.Terminate:
                    Track(TerminateAsync(action, cancellationToken));
                    break;
            }
        }

        var stateError = SaveState();
        return new LabTickResult(decision, table.Processes.Count, scanned, _time.GetElapsedTime(started), stateError);
    }

    /// <summary>Waits for the warnings and terminations in progress.</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll([.. _background]);
        }
    }

    private void Track(Task task)
    {
        lock (_lock)
        {
            _background.Add(task);
        }

        task.ContinueWith(
            t =>
            {
                lock (_lock)
                {
                    _background.Remove(t);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task WarnAsync(LabAction action, Exception? journalError, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var run = action.Run;
        try
        {
            var result = await _warner.WarnAsync(
                new LocalWarning(run.Key.Uid, run.UserName, run.Key.ResourceId, string.IsNullOrEmpty(run.Resource.Name) ? run.Key.ResourceId : run.Resource.Name,
                    action.Message, action.Deadline),
                cancellationToken).ConfigureAwait(false);
            _observer(new LabOutcome(action, LabAction.WarningKind, Warning: result, JournalError: journalError));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            _observer(new LabOutcome(action, LabAction.WarningKind, JournalError: journalError, Error: ex));
        }
    }

    private async Task TerminateAsync(LabAction action, CancellationToken cancellationToken)
    {
        await Task.Yield();
        // Read while the leader still runs: the journaled event names the run's cgroup.
        var cgroup = action.Run.Leader.Cgroup is { Length: > 0 } known ? known : ProcessTable.ReadCgroup(action.Run.Leader.Pid);
        TerminationResult result;
        Exception? error = null;
        try
        {
            result = await _terminator.TerminateAsync(action.Target!, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _engine.Complete(action, new TerminationResult([], false, [action.Run.Leader.Pid]));
            return; // stopping: the next start decides again
        }
        catch (Exception ex)
        {
            error = ex;
            result = new TerminationResult([], false, [action.Run.Leader.Pid]);
        }

        var journalFailure = _engine.Complete(action, result);
        if (result.Succeeded)
        {
            var payload = action.ToEvent(result);
            payload.Cgroup = cgroup;
            var journalError = await JournalAsync(LabAction.TerminatedKind, payload, CancellationToken.None).ConfigureAwait(false);
            // Tell the user why their programs vanished (the terminals only: the command is for warnings).
            _warner.WriteToTerminals(action.Run.Key.Uid, action.Message);
            _observer(new LabOutcome(action, LabAction.TerminatedKind, result, JournalError: journalError));
            return;
        }

        Exception? failedJournal = null;
        if (journalFailure)
        {
            var failure = error is not null
                ? $"termination failed: {error.Message}"
                : $"{result.Survivors.Count} process(es) survived SIGKILL: {string.Join(", ", result.Survivors)}";
            var payload = action.ToEvent(result, failure);
            payload.Cgroup = cgroup;
            failedJournal = await JournalAsync(LabAction.TerminateFailedKind, payload, CancellationToken.None).ConfigureAwait(false);
        }

        _observer(new LabOutcome(action, journalFailure ? LabAction.TerminateFailedKind : null, result, JournalError: failedJournal, Error: error));
    }

    // The table is read without cgroups (a file per process); the few journaled runs get theirs here.
    private static LabProcessEvent WithCgroup(LabProcessEvent payload)
    {
        if (payload.Cgroup.Length == 0 && payload.Pid > 0)
        {
            payload.Cgroup = ProcessTable.ReadCgroup(payload.Pid);
        }

        return payload;
    }

    // Journals an event; returns the error instead of throwing (a full journal must not stop enforcement).
    private async Task<Exception?> JournalAsync(string kind, LabProcessEvent payload, CancellationToken cancellationToken)
    {
        try
        {
            await _journal.AppendAsync(kind, payload.ToByteArray(), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is JournalFullException or Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            return ex;
        }
    }

    private Exception? SaveState()
    {
        var version = _engine.StateVersion;
        if (StatePath is null || version == _savedVersion)
        {
            return null;
        }

        try
        {
            LabPolicyStateFile.Save(StatePath, _engine.ExportState());
            _savedVersion = version;
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex;
        }
    }
}
