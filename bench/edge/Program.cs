using System.Diagnostics;
using EdgeAccess.Bench.Edge;
using EdgeAccess.Bench.Edge.Bootstrap;
using EdgeAccess.Bench.Edge.Latency;
using EdgeAccess.Bench.Edge.Propagation;

// Usage: bench/edge/run.sh latency|propagation|bootstrap|all [--name=value ...] (see BenchOptions.cs).
var options = BenchOptions.Parse(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var report = new Report();
var total = Stopwatch.StartNew();
report.Line("# Edge benchmarks (bench/edge)");
report.Line("");
report.Line($"`{options.Command}` — {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release, Server GC; " +
    $"work files in {options.WorkDirectory} ({DriveFormat(options.WorkDirectory)}), started {TimeProvider.System.GetLocalNow():yyyy-MM-dd HH:mm}; " +
    $"other processes used {options.BackgroundLoad} cores just before the run, load average at start {File.ReadAllText("/proc/loadavg").Split(' ')[0]}.");
foreach (var scenario in options.Scenarios)
{
    var clock = Stopwatch.StartNew();
    switch (scenario)
    {
        case "latency":
            await new LatencyScenario(options, report).RunAsync(cancel.Token);
            break;
        case "propagation":
            await new PropagationScenario(options, report).RunAsync(cancel.Token);
            break;
        case "bootstrap":
            await new BootstrapScenario(options, report).RunAsync(cancel.Token);
            break;
    }

    report.Line("");
    report.Line($"_{scenario}: {clock.Elapsed.TotalMinutes:F1} min wall time._");
}

report.Line("");
report.Line($"_Whole run: {total.Elapsed.TotalMinutes:F1} min._");
report.Save(options.Output);

static string DriveFormat(string path)
{
    Directory.CreateDirectory(path);
    var root = DriveInfo.GetDrives().Where(d => Path.GetFullPath(path).StartsWith(d.RootDirectory.FullName, StringComparison.Ordinal))
        .MaxBy(d => d.RootDirectory.FullName.Length);
    return root is null ? "?" : $"{root.DriveFormat} on {root.Name}";
}
