using System.Buffers.Text;
using System.IO.Enumeration;
using System.Text;
using EdgeAccess.Edge.LabPolicy.Processes.Internal;

namespace EdgeAccess.Edge.LabPolicy.Processes;

/// <summary>What <see cref="ProcessTable.Read"/> reads of each process.</summary>
public enum ProcessDetail
{
    /// <summary>Ids, owner, state and start time (<c>stat</c> and <c>status</c>): enough to follow a process tree.</summary>
    Basic,

    /// <summary>Also the executable, the arguments and the script path: enough to match control programs.</summary>
    Full,

    /// <summary>Also the cgroup (one more file per process; <see cref="ProcessTable.ReadCgroup"/> reads it for one).</summary>
    Complete,
}

/// <summary>
/// A snapshot of the processes in <c>/proc</c> (proc(5)). Processes that exit while they are read
/// are left out; threads are not listed (only thread-group leaders appear in <c>/proc</c>).
/// </summary>
public sealed partial class ProcessTable
{
    private readonly Dictionary<int, ProcessInfo> _byPid;
    private Dictionary<int, List<ProcessInfo>>? _children;

    /// <summary>Creates a table of the given processes (tests build tables by hand).</summary>
    public ProcessTable(IEnumerable<ProcessInfo> processes)
    {
        ArgumentNullException.ThrowIfNull(processes);
        Processes = [.. processes];
        _byPid = new Dictionary<int, ProcessInfo>(Processes.Count);
        foreach (var process in Processes)
        {
            _byPid[process.Pid] = process;
        }
    }

    /// <summary>Every process read, in <c>/proc</c> order.</summary>
    public IReadOnlyList<ProcessInfo> Processes { get; }

    /// <summary>The process with <paramref name="pid"/>, if it was read.</summary>
    public ProcessInfo? Find(int pid) => _byPid.GetValueOrDefault(pid);

    /// <summary>The direct children of <paramref name="pid"/> (by parent pid).</summary>
    public IReadOnlyList<ProcessInfo> ChildrenOf(int pid)
    {
        if (_children is null)
        {
            var children = new Dictionary<int, List<ProcessInfo>>();
            foreach (var process in Processes)
            {
                if (!children.TryGetValue(process.ParentPid, out var list))
                {
                    children[process.ParentPid] = list = [];
                }

                list.Add(process);
            }

            _children = children;
        }

        return _children.TryGetValue(pid, out var found) ? found : [];
    }

    /// <summary>Reads every process from <paramref name="procRoot"/> (default <c>/proc</c>).</summary>
    /// <param name="detail">What to read of each process.</param>
    /// <param name="wantsDetail">
    /// Which processes get more than <see cref="ProcessDetail.Basic"/>, decided on their basic fields
    /// (the policy skips root's processes: root is always exempt); null: all.
    /// </param>
    /// <param name="procRoot">The procfs mount.</param>
    public static ProcessTable Read(ProcessDetail detail = ProcessDetail.Full, Func<ProcessInfo, bool>? wantsDetail = null, string procRoot = "/proc")
    {
        var reader = new Reader(procRoot, detail, wantsDetail);
        var processes = new List<ProcessInfo>(512);
        foreach (var pid in EnumeratePids(procRoot))
        {
            if (reader.ReadProcess(pid) is { } process)
            {
                processes.Add(process);
            }
        }

        return new ProcessTable(processes);
    }

    /// <summary>Reads one process, or null when it does not exist (any more).</summary>
    public static ProcessInfo? ReadOne(int pid, ProcessDetail detail = ProcessDetail.Complete, string procRoot = "/proc") =>
        new Reader(procRoot, detail, null).ReadProcess(pid);

    /// <summary>The cgroup of <paramref name="pid"/> (see <see cref="ProcessInfo.Cgroup"/>); empty when it is gone.</summary>
    public static string ReadCgroup(int pid, string procRoot = "/proc")
    {
        var buffer = new byte[1024];
        var length = LibC.ReadFile(procRoot + "/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/cgroup", ref buffer);
        return length > 0 ? ParseCgroup(buffer.AsSpan(0, length)) : "";
    }

    /// <summary>The start time of <paramref name="pid"/> in clock ticks, or null when it does not exist.</summary>
    public static ulong? ReadStartTicks(int pid)
    {
        var buffer = new byte[512];
        var length = LibC.ReadFile(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/proc/{pid}/stat"), ref buffer);
        return length > 0 && TryParseStat(buffer.AsSpan(0, length), out var stat) ? stat.StartTicks : null;
    }

    private static FileSystemEnumerable<int> EnumeratePids(string procRoot) =>
        new(procRoot, (ref FileSystemEntry entry) => ParsePid(entry.FileName), new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => entry.IsDirectory && ParsePid(entry.FileName) > 0,
        };

    private static int ParsePid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 10)
        {
            return 0;
        }

        var pid = 0L;
        foreach (var c in name)
        {
            if (c is < '0' or > '9')
            {
                return 0;
            }

            pid = (pid * 10) + (c - '0');
        }

        return pid is > 0 and <= int.MaxValue ? (int)pid : 0;
    }

    /// <summary>Boot time (the <c>btime</c> line of <c>/proc/stat</c>), the origin of start ticks.</summary>
    private static DateTimeOffset ReadBootTime(string procRoot)
    {
        var buffer = new byte[8192];
        var length = LibC.ReadFile(procRoot + "/stat", ref buffer);
        if (length > 0)
        {
            var text = buffer.AsSpan(0, length);
            var at = text.IndexOf("\nbtime "u8);
            if (at >= 0 && Utf8Parser.TryParse(text[(at + 7)..], out long seconds, out _))
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }

        return DateTimeOffset.UnixEpoch;
    }

    private sealed class Reader(string procRoot, ProcessDetail detail, Func<ProcessInfo, bool>? wantsDetail)
    {
        private readonly DateTimeOffset _bootTime = ReadBootTime(procRoot);
        private byte[] _buffer = new byte[4096];
        private byte[] _linkBuffer = new byte[512];

        public ProcessInfo? ReadProcess(int pid)
        {
            var directory = procRoot + "/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var length = LibC.ReadFile(directory + "/stat", ref _buffer);
            if (length <= 0 || !TryParseStat(_buffer.AsSpan(0, length), out var stat))
            {
                return null; // gone
            }

            length = LibC.ReadFile(directory + "/status", ref _buffer);
            if (length <= 0 || !TryParseRealUid(_buffer.AsSpan(0, length), out var uid))
            {
                return null;
            }

            var process = new ProcessInfo
            {
                Pid = pid,
                ParentPid = stat.ParentPid,
                ProcessGroup = stat.ProcessGroup,
                Session = stat.Session,
                Uid = uid,
                State = stat.State,
                StartTicks = stat.StartTicks,
                StartedAt = _bootTime.AddSeconds((double)stat.StartTicks / LibC.ClockTicksPerSecond),
                Comm = stat.Comm,
            };
            return detail == ProcessDetail.Basic || (wantsDetail is not null && !wantsDetail(process)) ? process : ReadDetails(directory, process);
        }

        private ProcessInfo ReadDetails(string directory, ProcessInfo process)
        {
            var executable = LibC.ReadLink(directory + "/exe", ref _linkBuffer);
            // A replaced or removed binary reads "/path (deleted)"; the path is what was started.
            if (executable is not null && executable.EndsWith(" (deleted)", StringComparison.Ordinal))
            {
                executable = executable[..^10];
            }

            var length = LibC.ReadFile(directory + "/cmdline", ref _buffer);
            var argv = length > 0 ? SplitArguments(_buffer.AsSpan(0, length)) : [];
            string? script = null;
            if (argv.Length > 1 && argv[1].Length > 0 && argv[1][0] != '-')
            {
                script = argv[1][0] == '/' ? argv[1] : LibC.ReadLink(directory + "/cwd", ref _linkBuffer) is { } cwd
                    ? Path.GetFullPath(argv[1], cwd)
                    : null;
            }

            var cgroup = "";
            if (detail == ProcessDetail.Complete)
            {
                length = LibC.ReadFile(directory + "/cgroup", ref _buffer);
                cgroup = length > 0 ? ParseCgroup(_buffer.AsSpan(0, length)) : "";
            }

            return process with { Executable = executable, Argv = argv, ScriptPath = script, Cgroup = cgroup };
        }
    }
}
