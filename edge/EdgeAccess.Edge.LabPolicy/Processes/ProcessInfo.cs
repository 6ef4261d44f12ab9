namespace EdgeAccess.Edge.LabPolicy.Processes;

/// <summary>
/// One process as <see cref="ProcessTable"/> read it from <c>/proc</c>. The pair
/// (<see cref="Pid"/>, <see cref="StartTicks"/>) identifies it: a pid is reused, a start time
/// within the same boot is not.
/// </summary>
public sealed record ProcessInfo
{
    /// <summary>The process id.</summary>
    public required int Pid { get; init; }

    /// <summary>The parent's pid (0 for init and kthreadd).</summary>
    public int ParentPid { get; init; }

    /// <summary>The process group id.</summary>
    public int ProcessGroup { get; init; }

    /// <summary>The session id.</summary>
    public int Session { get; init; }

    /// <summary>The real user id (first field of <c>Uid:</c> in <c>/proc/pid/status</c>): a setuid program keeps its caller's.</summary>
    public long Uid { get; init; }

    /// <summary>The state letter of <c>/proc/pid/stat</c> (<c>Z</c> zombie, <c>X</c> dead, …).</summary>
    public char State { get; init; } = 'S';

    /// <summary>Start time in clock ticks after boot (field 22 of <c>/proc/pid/stat</c>).</summary>
    public ulong StartTicks { get; init; }

    /// <summary>Start time on the wall clock (boot time + <see cref="StartTicks"/>; to about a second).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The kernel's short name (at most 15 bytes; may hold spaces and parentheses).</summary>
    public string Comm { get; init; } = "";

    /// <summary>The executable (<c>/proc/pid/exe</c>), null when unreadable (kernel threads).</summary>
    public string? Executable { get; init; }

    /// <summary>The arguments (<c>/proc/pid/cmdline</c>); empty for kernel threads and zombies.</summary>
    public IReadOnlyList<string> Argv { get; init; } = [];

    /// <summary>
    /// <c>argv[1]</c> made absolute against the process's working directory when it is a relative
    /// path (a script run by an interpreter: <c>python3 run.py</c>); null when there is none.
    /// </summary>
    public string? ScriptPath { get; init; }

    /// <summary>
    /// The cgroup path (the unified hierarchy's, else the first non-root one); empty when not read
    /// (<see cref="ProcessDetail.Complete"/> reads it) or unknown.
    /// </summary>
    public string Cgroup { get; init; } = "";

    /// <summary>A zombie or dead process: it cannot run nor be signalled meaningfully.</summary>
    public bool IsGone => State is 'Z' or 'X' or 'x';

    /// <summary>The identity used to guard against pid reuse.</summary>
    public ProcessIdentity Identity => new(Pid, StartTicks);
}

/// <summary>A process's identity: its pid and its start time in clock ticks after boot.</summary>
/// <param name="Pid">The process id.</param>
/// <param name="StartTicks">The start time (field 22 of <c>/proc/pid/stat</c>).</param>
public readonly record struct ProcessIdentity(int Pid, ulong StartTicks);
