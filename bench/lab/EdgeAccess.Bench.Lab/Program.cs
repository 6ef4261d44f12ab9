using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using EdgeAccess.Edge.LabPolicy.Processes;

[assembly: SupportedOSPlatform("linux")]

namespace EdgeAccess.Bench.Lab;

/// <summary>
/// Starts <c>--processes</c> copies of a control program as another user (one process group, as a
/// user's forking program would), then measures a <see cref="ProcessTable"/> scan at each detail
/// level (wall time and the scanning thread's CPU, over <c>--rounds</c> scans), and the time
/// <see cref="ProcessTerminator"/> takes to stop the whole group. Prints a Markdown table.
/// Needs root (setpriv) like the policy itself.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var processes = Option(args, "--processes", 2000);
        var rounds = Option(args, "--rounds", 20);
        var uid = Option(args, "--uid", 61901);
        var directory = Path.Combine(Path.GetTempPath(), $"ea-bench-lab-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        var program = Path.Combine(directory, "bench-ctl");
        File.Copy("/bin/sleep", program);
        var spawner = Path.Combine(directory, "spawn.sh");
        File.WriteAllText(spawner, $"i=0; while [ $i -lt {processes} ]; do {program} 900 & i=$((i+1)); done; wait\n");

        var start = new ProcessStartInfo("/usr/bin/setpriv") { UseShellExecute = false };
        foreach (var argument in new[] { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "/usr/bin/setsid", "/bin/sh", spawner })
        {
            start.ArgumentList.Add(argument);
        }

        using var leader = Process.Start(start)!;
        try
        {
            Console.Error.WriteLine($"bench: starting {processes} processes as uid {uid}");
            var deadline = Stopwatch.StartNew();
            while (Group(leader.Id).Count < processes && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(200);
            }

            var total = ProcessTable.Read().Processes.Count;
            var rows = new List<string>();
            foreach (var detail in new[] { ProcessDetail.Basic, ProcessDetail.Full, ProcessDetail.Complete })
            {
                ProcessTable.Read(detail); // warm up
                var cpu = ThreadCpuTime();
                var wall = Stopwatch.StartNew();
                for (var i = 0; i < rounds; i++)
                {
                    ProcessTable.Read(detail);
                }

                var perScanCpu = (ThreadCpuTime() - cpu) / rounds;
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| scan, {detail.ToString().ToLowerInvariant()} detail | {(wall.Elapsed / rounds).TotalMilliseconds:F1} ms | {perScanCpu.TotalMilliseconds:F1} ms ({perScanCpu.TotalMicroseconds / total:F1} µs per process) |"));
            }

            var members = Group(leader.Id);
            var target = new TerminationTarget(uid, leader.Id, members.First(p => p.Pid == leader.Id).StartTicks, [.. members.Select(p => p.Identity)]);
            var stop = Stopwatch.StartNew();
            var result = new ProcessTerminator(TimeProvider.System, TimeSpan.FromSeconds(10)).TerminateAsync(target).GetAwaiter().GetResult();
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| stop the group (SIGTERM, wait, re-scan) | {stop.Elapsed.TotalMilliseconds:F0} ms | {result.SignalledPids.Count} processes signalled, SIGKILL needed: {(result.Killed ? "yes" : "no")}, survivors: {result.Survivors.Count} |"));

            Console.WriteLine($"## Lab-process policy: {DateTime.UtcNow:yyyy-MM-ddTHH:mmZ}, {Environment.ProcessorCount} cores, {total} processes on the machine ({members.Count} in the test group)");
            Console.WriteLine();
            Console.WriteLine("| measurement | wall | CPU (scanning thread) / outcome |");
            Console.WriteLine("|---|---:|---|");
            rows.ForEach(Console.WriteLine);
            return result.Succeeded ? 0 : 1;
        }
        finally
        {
            foreach (var p in Group(leader.Id))
            {
                _ = Kill(p.Pid, 9);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static List<ProcessInfo> Group(int group) =>
        [.. ProcessTable.Read(ProcessDetail.Basic).Processes.Where(p => p.ProcessGroup == group && !p.IsGone)];

    private static int Option(string[] args, string name, int fallback) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal)) is { } arg
            ? int.Parse(arg[(name.Length + 1)..], CultureInfo.InvariantCulture)
            : fallback;

    // CLOCK_THREAD_CPUTIME_ID (clock_gettime(2)): the CPU time of the calling thread only.
    private static unsafe TimeSpan ThreadCpuTime()
    {
        Timespec value;
        _ = ClockGetTime(3, &value);
        return TimeSpan.FromTicks((value.Seconds * 1_000_000_000 + value.Nanoseconds) / 100);
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern unsafe int ClockGetTime(int clock, Timespec* value);

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
