using System.Diagnostics;
using EdgeAccess.Bench.Booking;

// Usage: bench/booking/run.sh [--name=value ...] (see BenchOptions.cs).
var options = BenchOptions.Parse(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var report = new Report();
var total = Stopwatch.StartNew();
var ct = cancel.Token;
report.Line("# Booking benchmarks (bench/booking)");
report.Line("");
report.Line($"`{options.Command}` — {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release, Server GC, started {TimeProvider.System.GetLocalNow():yyyy-MM-dd HH:mm}; " +
    $"the hub (CloudHost) and its gRPC clients in this process, PostgreSQL {Postgres(options.PgDirectory)} with default durability; " +
    $"other processes used {options.BackgroundLoad} cores just before the run, load average at start {LoadAverage()}.");

Report.Progress("starting the hub on a fresh database");
await using (var hub = await BenchHub.StartAsync(options.Connection, options.Connections, options.HubConnectionOptions, ct))
{
    var cpu = new Cpu(options.PgDirectory);
    Report.Progress($"setting up {options.Sites} sites × {options.DoorsPerSite} doors and {options.Callers} callers");
    var world = await World.BuildAsync(hub, options, ct);
    await new BookingScenarios(world, options, report, cpu).RunAsync(ct);
    if (options.Runs("availability"))
    {
        await new AvailabilityScenario(world, options, report, cpu).RunAsync(ct);
    }
    var bookings = await hub.ScalarAsync<long>("SELECT count(*) FROM bookings", ct);
    var outbox = await hub.ScalarAsync<long>("SELECT count(*) FROM outbox_messages", ct);
    report.Line("");
    report.Line($"_At the end: {bookings:N0} bookings and {outbox:N0} outbox messages in the database; load average {LoadAverage()}._");
}

report.Line("");
report.Line($"_Whole run: {total.Elapsed.TotalMinutes:F1} min (without the build)._");
report.Save(options.Output);

static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static string Postgres(string directory)
{
    var version = Path.Combine(directory, "PG_VERSION");
    return File.Exists(version) ? File.ReadAllText(version).Trim() : "?";
}
