using System.Diagnostics;
using System.Globalization;

namespace EdgeAccess.Bench.Rights.Diagnostics;

/// <summary>CPU used during a measured interval, in cores: this process, the benchmark's PostgreSQL, everything else.</summary>
internal readonly record struct CpuUse(double Bench, double Postgres, double Others)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"bench {Bench:F2}, PostgreSQL {Postgres:F2}, other processes {Others:F2} cores");
}

/// <summary>
/// Splits the machine's CPU time over an interval between this process, the benchmark's PostgreSQL
/// cluster (the postmaster named by <c>BENCH_PG_PID</c> and its children, including exited ones via
/// the postmaster's cutime/cstime) and other processes, from <c>/proc</c>. On a shared 2-core machine
/// the last figure says whether a timing can be trusted; the first two say where the time went.
/// </summary>
internal sealed class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private static readonly int? PostmasterPid = int.TryParse(Environment.GetEnvironmentVariable("BENCH_PG_PID"), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    private readonly (long Machine, long Self, long Postgres) _start;
    private readonly long _started;

    private CpuMeter()
    {
        _start = Sample();
        _started = Stopwatch.GetTimestamp();
    }

    public static bool Available => File.Exists("/proc/stat");

    public static CpuMeter Start() => new();

    public CpuUse Stop()
    {
        var end = Sample();
        var seconds = Math.Max(Stopwatch.GetElapsedTime(_started).TotalSeconds, 1e-3) * TicksPerSecond;
        var self = (end.Self - _start.Self) / seconds;
        var postgres = (end.Postgres - _start.Postgres) / seconds;
        var machine = (end.Machine - _start.Machine) / seconds;
        return new CpuUse(self, postgres, Math.Max(0, machine - self - postgres));
    }

    private static (long Machine, long Self, long Postgres) Sample()
    {
        if (!Available)
        {
            return default;
        }

        // cpu  user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var machine = new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(cpu[i], CultureInfo.InvariantCulture));
        var self = Ticks(Environment.ProcessId, children: false) ?? 0;
        long postgres = 0;
        if (PostmasterPid is { } postmaster)
        {
            postgres = Ticks(postmaster, children: true) ?? 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Parent(pid) == postmaster)
                {
                    postgres += Ticks(pid, children: false) ?? 0;
                }
            }
        }

        return (machine, self, postgres);
    }

    // /proc/<pid>/stat: "pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17)"; comm may hold spaces.
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? Parent(int pid) => Fields(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : null;

    private static long? Ticks(int pid, bool children)
    {
        if (Fields(pid) is not { } f)
        {
            return null;
        }

        long Field(int number) => long.Parse(f[number - 3], CultureInfo.InvariantCulture);
        return Field(14) + Field(15) + (children ? Field(16) + Field(17) : 0);
    }
}
