using System.Diagnostics;
using System.Globalization;

namespace EdgeAccess.Bench.Booking;

/// <summary>
/// CPU used during a phase, in cores: this process (hub and clients together), the private
/// PostgreSQL cluster (the postmaster of <c>postmaster.pid</c> and its children) and everything
/// else on the machine (/proc/stat minus those two): on 2 shared cores, the third tells whether
/// another session distorted the figures.
/// </summary>
internal sealed class Cpu(string pgDirectory)
{
    private static readonly double Tick = 100.0;

    public Sample Take() => new(Stopwatch.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, PostgresSeconds(), MachineSeconds());

    /// <summary>Cores used since <paramref name="start"/>: own, PostgreSQL, others.</summary>
    public Usage Since(Sample start)
    {
        var end = Take();
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        var own = (end.Own - start.Own) / wall;
        var pg = (end.Postgres - start.Postgres) / wall;
        var others = Math.Max(0, (end.Machine - start.Machine) / wall - own - pg);
        return new Usage(own, pg, others);
    }

    private double PostgresSeconds()
    {
        var pidFile = Path.Combine(pgDirectory, "postmaster.pid");
        if (pgDirectory.Length == 0 || !File.Exists(pidFile))
        {
            return 0;
        }

        var postmaster = File.ReadLines(pidFile).First().Trim();
        var total = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ... utime(14) stime(15)"; comm may hold spaces.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (name == postmaster || fields[1] == postmaster)
                {
                    total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / Tick;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked (a backend of a closed connection).
            }
        }

        return total;
    }

    // user, nice, system, irq, softirq, steal of the "cpu" line.
    private static double MachineSeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return (Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8)) / Tick;
    }

    internal readonly record struct Sample(long Timestamp, double Own, double Postgres, double Machine);

    internal readonly record struct Usage(double Own, double Postgres, double Others)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Own:F2} / {Postgres:F2} / {Others:F2}");
    }
}
