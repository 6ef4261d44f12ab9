using EdgeAccess.Edge.LabPolicy.Processes.Internal;

namespace EdgeAccess.Edge.LabPolicy.Processes;

/// <summary>What to terminate: one run of a control program.</summary>
/// <param name="Uid">The run's owner (real uid). Only processes with this real uid are signalled, so
/// a root daemon sharing the group is never hit, while a setuid program the user started is (it keeps
/// the caller's real uid).</param>
/// <param name="ProcessGroup">The run's process group.</param>
/// <param name="LeaderStartTicks">The start time of the group's leader (pid == group) when it was seen; 0 when it had none.</param>
/// <param name="Known">The group's members and their descendants when the run was decided, by identity.</param>
public sealed record TerminationTarget(long Uid, int ProcessGroup, ulong LeaderStartTicks, IReadOnlyList<ProcessIdentity> Known);

/// <summary>What <see cref="ProcessTerminator.TerminateAsync"/> did.</summary>
/// <param name="SignalledPids">Every process that received SIGTERM or SIGKILL.</param>
/// <param name="Killed">Whether SIGKILL was needed (a process outlived the wait after SIGTERM).</param>
/// <param name="Survivors">Processes still alive at the end (empty on success).</param>
public sealed record TerminationResult(IReadOnlyList<int> SignalledPids, bool Killed, IReadOnlyList<int> Survivors)
{
    /// <summary>Whether nothing of the run is left.</summary>
    public bool Succeeded => Survivors.Count == 0;
}

/// <summary>
/// Terminates a run: its process group plus every descendant found through the parent pid (a child
/// that called setsid(2) or setpgid(2) leaves the group, not the tree). SIGTERM first, then up to
/// <see cref="Wait"/> for the processes to exit, re-scanning for children forked meanwhile; then
/// SIGKILL to every survivor. Every signal is checked against the process's start time (and sent
/// through a pidfd), so a pid reused by an unrelated process is never signalled.
/// </summary>
/// <remarks>
/// Never signalled: pid 1, kernel threads, this process and its ancestors, processes of another
/// real uid. A process that was double-forked and reparented to init before the scan is out of the
/// tree; it is caught at the next policy tick if it runs a control program itself.
/// </remarks>
public sealed class ProcessTerminator
{
    private const int KillRounds = 5;
    private readonly TimeProvider _time;
    private readonly Func<ProcessTable> _scan;

    /// <summary>Creates a terminator that reads the real <c>/proc</c>.</summary>
    /// <param name="time">The clock for the waits.</param>
    /// <param name="wait">How long processes get to exit after SIGTERM (default 5 s).</param>
    public ProcessTerminator(TimeProvider time, TimeSpan? wait = null)
        : this(time, wait, () => ProcessTable.Read(ProcessDetail.Basic))
    {
    }

    internal ProcessTerminator(TimeProvider time, TimeSpan? wait, Func<ProcessTable> scan)
    {
        _time = time;
        _scan = scan;
        Wait = wait ?? TimeSpan.FromSeconds(5);
        ArgumentOutOfRangeException.ThrowIfLessThan(Wait, TimeSpan.Zero, nameof(wait));
    }

    /// <summary>How long processes get after SIGTERM before SIGKILL.</summary>
    public TimeSpan Wait { get; }

    /// <summary>How often the processes are checked during the wait.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Terminates the run; see the class remarks for what is never signalled.</summary>
    public async Task<TerminationResult> TerminateAsync(TerminationTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var known = target.Known.ToDictionary(k => k.Pid, k => k.StartTicks);
        var signalled = new SortedSet<int>();

        var alive = Collect(_scan(), target, known);
        foreach (var process in alive)
        {
            if (Signal(process, LibC.SigTerm))
            {
                signalled.Add(process.Pid);
            }
        }

        var deadline = _time.GetTimestamp() + (long)(Wait.TotalSeconds * _time.TimestampFrequency);
        while (alive.Count > 0)
        {
            var left = TimeSpan.FromSeconds((double)(deadline - _time.GetTimestamp()) / _time.TimestampFrequency);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(left < PollInterval ? left : PollInterval, _time, cancellationToken).ConfigureAwait(false);
            alive = Collect(_scan(), target, known);
            foreach (var process in alive)
            {
                // Children forked since the last scan get their SIGTERM too.
                if (!signalled.Contains(process.Pid) && Signal(process, LibC.SigTerm))
                {
                    signalled.Add(process.Pid);
                }
            }
        }

        var killed = false;
        for (var round = 0; round < KillRounds && alive.Count > 0; round++)
        {
            foreach (var process in alive)
            {
                if (Signal(process, LibC.SigKill))
                {
                    signalled.Add(process.Pid);
                    killed = true;
                }
            }

            // SIGKILL is final, but the kernel needs a moment to tear a process down; a process
            // forking in a loop may also have made a child between our scan and its death.
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
            alive = Collect(_scan(), target, known);
        }

        return new TerminationResult([.. signalled], killed, [.. alive.Select(p => p.Pid)]);
    }

    /// <summary>
    /// The run's live processes in <paramref name="table"/>: known processes still alive with the same
    /// start time, the group's members while the group is provably the same one (its leader or a known
    /// process is still in it — a group id is not reused while any process is in the group), and all
    /// their descendants. Adds what it finds to <paramref name="known"/>, so children forked between
    /// scans stay recognised when their parent exits.
    /// </summary>
    internal static List<ProcessInfo> Collect(ProcessTable table, TerminationTarget target, Dictionary<int, ulong> known)
    {
        var protectedPids = ProtectedPids(table);
        var found = new Dictionary<int, ProcessInfo>();
        var groupProven = false;
        foreach (var process in table.Processes)
        {
            var isKnown = known.TryGetValue(process.Pid, out var start) && start == process.StartTicks;
            if (isKnown)
            {
                found[process.Pid] = process;
                groupProven |= process.ProcessGroup == target.ProcessGroup;
            }
            else if (process.Pid == target.ProcessGroup && process.StartTicks == target.LeaderStartTicks)
            {
                groupProven = true;
            }
        }

        if (groupProven)
        {
            foreach (var process in table.Processes)
            {
                if (process.ProcessGroup == target.ProcessGroup)
                {
                    found.TryAdd(process.Pid, process);
                }
            }
        }

        var queue = new Queue<ProcessInfo>(found.Values);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in table.ChildrenOf(parent.Pid))
            {
                if (found.TryAdd(child.Pid, child))
                {
                    queue.Enqueue(child);
                }
            }
        }

        var result = new List<ProcessInfo>(found.Count);
        foreach (var process in found.Values)
        {
            known[process.Pid] = process.StartTicks;
            if (process.Uid == target.Uid && !process.IsGone && !protectedPids.Contains(process.Pid))
            {
                result.Add(process);
            }
        }

        result.Sort((a, b) => a.Pid.CompareTo(b.Pid));
        return result;
    }

    // pid 1, kthreadd (2) and its kernel threads, this process and its ancestors.
    private static HashSet<int> ProtectedPids(ProcessTable table)
    {
        var pids = new HashSet<int> { 0, 1, 2 };
        for (var pid = Environment.ProcessId; pid > 0 && pids.Add(pid);)
        {
            pid = table.Find(pid)?.ParentPid ?? 0;
        }

        foreach (var process in table.Processes)
        {
            if (process.ParentPid == 2)
            {
                pids.Add(process.Pid);
            }
        }

        return pids;
    }

    private static bool Signal(ProcessInfo process, int signal) =>
        LibC.SignalIfSame(process.Pid, process.StartTicks, signal, ProcessTable.ReadStartTicks);
}
