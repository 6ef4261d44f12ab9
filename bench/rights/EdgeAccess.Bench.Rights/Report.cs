using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using EdgeAccess.Bench.Rights.Phases;

namespace EdgeAccess.Bench.Rights;

/// <summary>The Markdown report: figures against the targets first, then the dataset, load and the phase timelines.</summary>
internal static partial class Report
{
    private static readonly TimeSpan CompileTarget = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ChangeTarget = TimeSpan.FromMilliseconds(100);
    private const long TargetRows = 1_000_000;

    public static string Render(BenchResults r)
    {
        var full = r.Full;
        var changes = r.Changes;
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        Line($"## Hub rights/feed benchmark ({r.Started:yyyy-MM-dd HH:mm} UTC)");
        Line();
        Line($"{Machine()}; PostgreSQL {r.Server.Version} (private cluster, default durability).  ");
        Line($"Command: `{r.Options.Command}`  ");
        Line("Server settings: " + string.Join(", ", r.Server.Settings.Select(s => $"`{s.Name}={s.Value}`")) + ".");
        if (Environment.GetEnvironmentVariable("BENCH_FSYNC") is { Length: > 0 } fsync)
        {
            Line($"Disk: {fsync}.");
        }

        Line();

        // Scale the compile target to the rows actually produced (the target is 1M rows in 30 s).
        var rightsPerSecond = full.RightsRows / full.Elapsed.TotalSeconds;
        var entriesPerSecond = full.FeedEntries / full.Elapsed.TotalSeconds;
        var scaledTarget = CompileTarget * ((double)full.RightsRows / TargetRows);
        var adds = changes.NestingAdds.Select(s => s.Elapsed).ToList();
        var removes = changes.NestingRemoves.Select(s => s.Elapsed).ToList();
        var personAdds = changes.PersonAdds.Select(s => s.Elapsed).ToList();
        var personRemoves = changes.PersonRemoves.Select(s => s.Elapsed).ToList();
        var addP50 = Stats.Percentile(adds, 0.5);

        Line("| figure | result | target | verdict |");
        Line("|---|---:|---:|---|");
        Line($"| Full compile, empty effective state → {full.RightsRows:N0} rights + {full.Report.RecordsChanged:N0} records ({full.FeedEntries:N0} feed entries, one transaction) " +
             $"| **{full.Elapsed.TotalSeconds:F1} s** ({rightsPerSecond:N0} rights/s, {entriesPerSecond:N0} entries/s; {Mb(full.WalBytes)} of WAL) | 1M rows ≤ 30 s (≥ 33,333 rows/s; {scaledTarget.TotalSeconds:F1} s for these rows) " +
             $"| {Verdict(full.Elapsed <= scaledTarget)} |");
        Line($"| One change affecting ~{Median(changes.NestingAdds.Select(s => s.AffectedPeople)):N0} people (add a group nesting), call → committed, p50 / max of {adds.Count} " +
             $"| **{addP50:N0} / {Max(adds):N0} ms** ({Median(changes.NestingAdds.Select(s => (int)s.FeedEntries)):N0} feed entries each, median) | ≤ 100 ms | {Verdict(addP50 <= ChangeTarget.TotalMilliseconds)} |");
        Line($"| The same nestings removed again, p50 / max of {removes.Count} | {Stats.Percentile(removes, 0.5):N0} / {Max(removes):N0} ms " +
             $"({Median(changes.NestingRemoves.Select(s => (int)s.FeedEntries)):N0} entries each) | ≤ 100 ms | {Verdict(Stats.Percentile(removes, 0.5) <= ChangeTarget.TotalMilliseconds)} |");
        Line($"| Single-person membership added, p50 / p95 / max of {personAdds.Count} | {Stats.Percentile(personAdds, 0.5):N1} / {Stats.Percentile(personAdds, 0.95):N1} / {Max(personAdds):N1} ms " +
             $"({Median(changes.PersonAdds.Select(s => (int)s.FeedEntries)):N0} entries, median) | ≤ 100 ms | {Verdict(Stats.Percentile(personAdds, 0.5) <= ChangeTarget.TotalMilliseconds)} |");
        Line($"| Single-person membership removed, p50 / p95 / max of {personRemoves.Count} | {Stats.Percentile(personRemoves, 0.5):N1} / {Stats.Percentile(personRemoves, 0.95):N1} / {Max(personRemoves):N1} ms | ≤ 100 ms | " +
             $"{Verdict(Stats.Percentile(personRemoves, 0.5) <= ChangeTarget.TotalMilliseconds)} |");
        Line($"| Consistency check: FullCompileAsync on the consistent state | {full.ConsistencyElapsed.TotalSeconds:F1} s, published {full.ConsistencyReport.RightsChanged + full.ConsistencyReport.RecordsChanged} | 0 published | {Verdict(full.ConsistencyReport.Consistent)} |");
        Line($"| VerifyAsync (compile + compare, read-only) | {full.VerifyElapsed.TotalSeconds:F1} s, consistent: {Yes(full.VerifyReport.Consistent)} | – | |");
        Line($"| Incremental == full after all the changes above (VerifyAsync) | consistent: {Yes(changes.VerifyAfter.Consistent)} ({changes.VerifyAfterElapsed.TotalSeconds:F1} s) | consistent | {Verdict(changes.VerifyAfter.Consistent)} |");
        Line($"| Compiled rights vs independent count of the generated model | {full.RightsRows:N0} vs {r.Analysis.ExpectedRights:N0} | equal | {Verdict(full.RightsRows == r.Analysis.ExpectedRights)} |");
        Feed(r.Feed.Single);
        Feed(r.Feed.Batched);
        var longest = full.Tree.Matching("").Where(x => x.Source == "Npgsql").MaxBy(x => x.Duration);
        if (longest is not null)
        {
            Line($"| Longest single round trip in the full compile: `{Diagnostics.SpanTree.Label(longest)[..Math.Min(60, Diagnostics.SpanTree.Label(longest).Length)]}…` | {longest.Duration.TotalSeconds:F1} s | under Npgsql's default 30 s CommandTimeout (the hub sets none; the benchmark uses 900 s) " +
                 $"| {Verdict(longest.Duration < TimeSpan.FromSeconds(30))} |");
        }

        Line($"| Bulk load (binary COPY of the model, ANALYZE) | {r.LoadTotal.TotalSeconds:F1} s | – | |");
        Line($"| Full compile memory (this process) | peak working set {Mb(full.Memory.PeakWorkingSet)}{(full.Memory.PeakIsOwn ? "" : " (process lifetime)")}, " +
             $"allocated {Mb(full.Memory.Allocated)}, GCs {full.Memory.Gen0}/{full.Memory.Gen1}/{full.Memory.Gen2} (gen0/1/2), GC pauses {full.Memory.GcPause.TotalMilliseconds:N0} ms | – | |");
        Line();
        Line($"After the full compile the benchmark runs `VACUUM (ANALYZE)` on the written tables ({full.Vacuum.TotalSeconds:F1} s, not counted), as autovacuum would shortly after.");
        Line("Feed entries per change are the site's feed-head delta. Timelines below come from the spans the hub emits " +
             "(`rights.compile`, `feed.publish`) and Npgsql's per-command/COPY spans; \"untraced\" is time between spans (.NET work, EF, commit).");
        Line();
        Line("### CPU during the phases (cores of the machine's " + Environment.ProcessorCount + "; from /proc)");
        Line();
        Line("| phase | wall s | this process: cores (CPU-s) | its PostgreSQL: cores (CPU-s) | other processes: cores |");
        Line("|---|---:|---:|---:|---:|");
        Cpu("bulk load", r.LoadTotal, r.LoadCpu);
        Cpu("full compile (empty state)", full.Elapsed, full.Cpu);
        Cpu("consistency check", full.ConsistencyElapsed, full.ConsistencyCpu);
        Cpu("nesting changes (all, with their bookkeeping queries)", TimeSpan.FromMilliseconds(Sum(adds) + Sum(removes)), changes.NestingCpu);
        Cpu("single-person changes (all)", TimeSpan.FromMilliseconds(Sum(personAdds) + Sum(personRemoves)), changes.PersonCpu);
        Cpu("feed: " + r.Feed.Single.What, r.Feed.Single.Elapsed, r.Feed.Single.Cpu);
        Cpu("feed: " + r.Feed.Batched.What, r.Feed.Batched.Elapsed, r.Feed.Batched.Cpu);
        Line();
        Line("\"Other processes\" above ~0.2 cores means something else ran on the machine and the wall times of that phase are inflated; " +
             "the CPU-seconds of the benchmark and its PostgreSQL are the steadier figure then.");
        Line();
        var c = r.Compute;
        Line("### The compiler's in-process steps, isolated (everyone, read-only, no writes)");
        Line();
        Line("| step | wall s | process CPU-s (all threads, GC included) | allocated | per right |");
        Line("|---|---:|---:|---:|---:|");
        Line($"| RightsLoader.LoadAsync (all people: 8 queries + building the model) | {c.LoadWall.TotalSeconds:F2} | {c.LoadCpu.TotalSeconds:F2} | {Mb(c.LoadAllocated)} | – |");
        Line($"| RightsCalculator.Compute for every person → {c.Rights:N0} rights ({Mb(c.TermBytes)} of terms) | {c.ComputeWall.TotalSeconds:F2} | {c.ComputeCpu.TotalSeconds:F2} | {Mb(c.ComputeAllocated)} " +
             $"| {c.ComputeCpu.TotalMilliseconds * 1000 / Math.Max(1, c.Rights):F1} µs CPU, {c.ComputeAllocated / Math.Max(1, c.Rights):N0} B |");
        Line();
        text.Append(Dataset(r));
        Line();
        Line("### Load (binary COPY)");
        Line();
        Line("| table | rows | s | rows/s |");
        Line("|---|---:|---:|---:|");
        foreach (var (table, rows, elapsed) in r.Load)
        {
            Line($"| {table} | {rows:N0} | {elapsed.TotalSeconds:F2} | {rows / Math.Max(elapsed.TotalSeconds, 1e-6):N0} |");
        }

        Line();
        Samples(text, "Nesting changes", changes.NestingAdds.Zip(changes.NestingRemoves, (a, b) => (a, b)));
        Timeline(text, "Full compile (empty state)", full.Tree);
        Timeline(text, "Consistency check (full compile, nothing to publish)", full.ConsistencyTree);
        Timeline(text, $"One change: {changes.NestingAdds[0].What}", changes.NestingAddTree);
        Timeline(text, $"One change: {changes.NestingRemoves[0].What}", changes.NestingRemoveTree);
        Timeline(text, $"One change: {changes.PersonAdds[0].What}", changes.PersonAddTree);
        Timeline(text, "Feed append, 1 entry", r.Feed.SingleTree);
        Timeline(text, $"Feed append, {r.Options.FeedBatch} entries", r.Feed.BatchTree);
        return text.ToString();

        void Cpu(string phase, TimeSpan wall, Diagnostics.CpuUse use) =>
            Line($"| {phase} | {wall.TotalSeconds:F1} | {use.Bench:F2} ({use.Bench * wall.TotalSeconds:F1}) | {use.Postgres:F2} ({use.Postgres * wall.TotalSeconds:F1}) " +
                 $"| {(use.Others > 0.2 ? $"**{use.Others:F2}**" : $"{use.Others:F2}")} |");

        void Feed(FeedRun run) =>
            Line($"| Feed append: {run.What} ({run.Transactions:N0} transactions, {r.Feed.PayloadBytes}-byte right payloads) | **{run.EntriesPerSecond:N0} entries/s** " +
                 $"(per transaction p50 {run.P50Ms:N1} ms, p99 {run.P99Ms:N1} ms, max {run.MaxMs:N1} ms) | – | |");
    }

    private static string Machine() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Environment.GetEnvironmentVariable("BENCH_COMMIT") ?? "commit unknown"}; {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "Server" : "Workstation")} GC; " +
            $"{Environment.ProcessorCount} cores ({Cpu()}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB");

    private static string Cpu()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "cpu unknown";
        }
        catch (IOException)
        {
            return "cpu unknown";
        }
    }

    private static string Verdict(bool met) => met ? "met" : "**MISSED**";

    private static string Yes(bool value) => value ? "yes" : "**no**";

    private static string Mb(long bytes) =>
        (bytes / (1024.0 * 1024)).ToString(bytes < 10 << 20 ? "N1" : "N0", CultureInfo.InvariantCulture) + " MiB";

    private static double Sum(List<TimeSpan> values) => values.Sum(v => v.TotalMilliseconds);

    private static double Max(List<TimeSpan> values) => values.Count == 0 ? 0 : values.Max().TotalMilliseconds;

    private static int Median(IEnumerable<int> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[(sorted.Count - 1) / 2];
    }
}
