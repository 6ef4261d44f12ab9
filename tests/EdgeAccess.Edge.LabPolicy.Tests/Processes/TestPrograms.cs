using System.Diagnostics;
using EdgeAccess.Edge.LabPolicy.Processes;

namespace EdgeAccess.Edge.LabPolicy.Tests.Processes;

/// <summary>
/// Real controlled programs for the tests: copies of /bin/sleep and small forking sh scripts in a
/// unique temp folder, started as another uid (setpriv) in their own session and process group
/// (setsid). <see cref="Dispose"/> SIGKILLs every process that still runs anything from the folder,
/// whatever the test's outcome.
/// </summary>
public sealed class TestPrograms : IDisposable
{
    /// <summary>A uid with no passwd entry that the tests run programs as.</summary>
    public const long UserA = 61001;

    /// <summary>A second such uid.</summary>
    public const long UserB = 61002;

    private readonly List<Process> _started = [];
    private readonly List<ProcessIdentity> _leaders = [];

    /// <summary>Creates the folder (world-readable, so the test uids can run what is in it).</summary>
    public TestPrograms()
    {
        Directory.CreateDirectory(Folder);
        MakeExecutable(Folder);
    }

    /// <summary>The folder holding this test's programs.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "edgeaccess-lab-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Copies /bin/sleep under a unique name; returns its path.</summary>
    public string Sleep(string name)
    {
        var path = Path.Combine(Folder, name);
        File.Copy("/bin/sleep", path);
        MakeExecutable(path);
        return path;
    }

    /// <summary>Writes an executable sh script; returns its path.</summary>
    public string Script(string name, string body)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        MakeExecutable(path);
        return path;
    }

    /// <summary>
    /// Starts <paramref name="argv"/> as <paramref name="uid"/> (uid 0: as root) in a new session, so
    /// it leads its own process group; returns the process (pid = process group).
    /// </summary>
    public Process Start(long uid, params string[] argv)
    {
        var start = new ProcessStartInfo("/usr/bin/setsid") { UseShellExecute = false, RedirectStandardInput = true };
        if (uid != 0)
        {
            var id = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var argument in new[] { "/usr/bin/setpriv", $"--reuid={id}", $"--regid={id}", "--clear-groups", "--" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in argv)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        _started.Add(process);
        // setsid keeps the pid: the started process leads its group for its whole life.
        if (ProcessTable.ReadStartTicks(process.Id) is { } ticks)
        {
            _leaders.Add(new ProcessIdentity(process.Id, ticks));
        }

        return process;
    }

    /// <summary>Waits until the process runs <paramref name="executable"/> (setsid and setpriv have exec'd), as read from /proc.</summary>
    public static async Task<ProcessInfo> WaitForExecAsync(int pid, string executable, int children = 0)
    {
        for (var i = 0; i < 200; i++)
        {
            var table = ProcessTable.Read();
            if (table.Find(pid) is { } info && (info.Executable == executable || (info.Argv.Count > 1 && info.Argv[1] == executable))
                && Descendants(table, pid).Count >= children)
            {
                return info;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"pid {pid} did not start {executable} with {children} children in 5 s.");
    }

    /// <summary>Every descendant of <paramref name="pid"/> in <paramref name="table"/>.</summary>
    public static List<ProcessInfo> Descendants(ProcessTable table, int pid)
    {
        var found = new List<ProcessInfo>();
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in table.ChildrenOf(parent))
            {
                found.Add(child);
                queue.Enqueue(child.Pid);
            }
        }

        return found;
    }

    /// <summary>The live (not zombie) processes running something from the folder.</summary>
    public List<ProcessInfo> Running() =>
        [.. ProcessTable.Read().Processes.Where(p => !p.IsGone && Mentions(p))];

    /// <summary>
    /// What <see cref="Dispose"/> ends: everything running from the folder, and the groups (with
    /// descendants) of the processes this instance started. The groups are taken while their leaders
    /// are still the processes started (a group id is only reused once the group is empty), and kept
    /// for the later rounds: a child forked just before its leader was killed is still ended.
    /// </summary>
    private List<ProcessInfo> Leftovers(HashSet<int> groups)
    {
        var table = ProcessTable.Read();
        var found = table.Processes.Where(p => Mentions(p) || groups.Contains(p.ProcessGroup)).ToList();
        foreach (var process in found.ToList())
        {
            found.AddRange(Descendants(table, process.Pid));
        }

        return [.. found.Where(p => !p.IsGone && p.Pid != Environment.ProcessId).DistinctBy(p => p.Pid)];
    }

    /// <summary>Whether the process with this identity still lives (not a zombie).</summary>
    public static bool IsAlive(ProcessIdentity identity) =>
        ProcessTable.ReadOne(identity.Pid, ProcessDetail.Basic) is { } p && p.StartTicks == identity.StartTicks && !p.IsGone;

    /// <summary>Polls <paramref name="condition"/> every 50 ms for at most <paramref name="timeout"/>.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return condition();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        var table = ProcessTable.Read(ProcessDetail.Basic);
        var groups = _leaders.Where(l => table.Find(l.Pid)?.StartTicks == l.StartTicks).Select(l => l.Pid).ToHashSet();
        for (var round = 0; round < 10; round++)
        {
            var left = Leftovers(groups);
            if (left.Count == 0)
            {
                break;
            }

            foreach (var process in left)
            {
                // Checked against the start time, like the terminator: never a reused pid.
                _ = LabPolicy.Processes.Internal.LibC.SignalIfSame(process.Pid, process.StartTicks, 9, ProcessTable.ReadStartTicks);
            }

            Thread.Sleep(50);
        }

        foreach (var process in _started)
        {
            process.Dispose(); // the tests' own using may have disposed it already; killing went by /proc above
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private bool Mentions(ProcessInfo process) =>
        (process.Executable?.StartsWith(Folder, StringComparison.Ordinal) ?? false)
        || process.Argv.Any(a => a.StartsWith(Folder, StringComparison.Ordinal));

    // rwxr-xr-x: the test uids read and run what root put here.
    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The lab-process tests need Linux.");
        }

        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

}
