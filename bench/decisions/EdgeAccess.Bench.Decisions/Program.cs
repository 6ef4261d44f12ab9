using System.Diagnostics;
using EdgeAccess.Bench.Decisions;
using EdgeAccess.Decisions;
using NodaTime;

// Usage: dotnet run -c Release --project bench/decisions/EdgeAccess.Bench.Decisions -- [cards] [doors] [decisions] [--unique]
var cards = args.Length > 0 && int.TryParse(args[0], out var c) ? c : 1_000_000;
var doors = args.Length > 1 && int.TryParse(args[1], out var d) ? d : 64;
var decisions = args.Length > 2 && int.TryParse(args[2], out var n) ? n : 1_000_000;
var unique = args.Contains("--unique");
Console.WriteLine($"{cards:N0} cards x {doors} doors, {(unique ? "unique (random term set per right)" : $"shared ({Replica.Roles} roles)")} profiles; {Environment.ProcessorCount} cores, .NET {Environment.Version}");

var baseline = GC.GetTotalMemory(forceFullCollection: true);
var (index, hashes, doorIds, fill, build, withBuilder, withBoth) = BuildIndex(cards, doors, unique, baseline);
// The builder is unreachable now (it lived only inside BuildIndex); the generator's hash array is not index memory.
var indexOnly = GC.GetTotalMemory(forceFullCollection: true) - baseline - (hashes.Length * 32L);
var s = index.Statistics;
Console.WriteLine($"fill builder: {fill.TotalSeconds:F1} s, Build(): {build.TotalSeconds:F2} s");
Console.WriteLine($"rights {s.Rights:N0}, profiles {s.Profiles:N0}, stored rights {s.StoredRights:N0}, term sets {s.TermSets}, schedules {s.Schedules}");
Console.WriteLine($"memory: builder {Mb(withBuilder)}, builder+index {Mb(withBoth)}, index alone {Mb(indexOnly)} = {(double)indexOnly / s.Rights:F2} B/right, {(double)indexOnly / s.Cards:F0} B/card");

// Random taps over a week: 98% known cards, every door, no PIN (PBKDF2 is outside the latency target).
var random = new Random(11);
var week = Instant.FromUtc(2026, 3, 30, 0, 0);
var requests = new DecisionRequest[decisions];
var unknown = new byte[32];
for (var i = 0; i < requests.Length; i++)
{
    random.NextBytes(unknown);
    var hash = random.Next(100) < 98 ? hashes[random.Next(hashes.Length)] : CardHash.FromBytes(unknown);
    var at = week + Duration.FromSeconds(random.Next(7 * 24 * 3600));
    var link = new LinkState(at - Duration.FromSeconds(30), at + Duration.FromHours(1), Duration.FromMinutes(5), DegradedPolicy.DenyAll);
    requests[i] = new DecisionRequest(doorIds[random.Next(doorIds.Length)], hash, null, at, link);
}

Latency(index, requests);
Latency(index, requests);
Throughput(index, requests, 1);
Throughput(index, requests, 2);

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static (DecisionIndex, CardHash[], string[], TimeSpan, TimeSpan, long, long) BuildIndex(int cards, int doors, bool unique, long baseline)
{
    var fill = Stopwatch.StartNew();
    var (builder, hashes, doorIds) = Replica.Fill(cards, doors, unique, seed: 7);
    fill.Stop();
    var withBuilder = GC.GetTotalMemory(forceFullCollection: true) - baseline;
    var build = Stopwatch.StartNew();
    var index = builder.Build();
    build.Stop();
    var withBoth = GC.GetTotalMemory(forceFullCollection: true) - baseline;
    return (index, hashes, doorIds, fill.Elapsed, build.Elapsed, withBuilder, withBoth);
}

static void Latency(DecisionIndex index, DecisionRequest[] requests)
{
    var ticks = new long[requests.Length];
    var granted = 0;
    for (var i = 0; i < requests.Length; i++)
    {
        var start = Stopwatch.GetTimestamp();
        var decision = DoorDecider.Decide(index, requests[i]);
        ticks[i] = Stopwatch.GetTimestamp() - start;
        granted += decision.Granted ? 1 : 0;
    }

    Array.Sort(ticks);
    double Us(double q) => ticks[(int)Math.Min(ticks.Length - 1, q * ticks.Length)] * 1e6 / Stopwatch.Frequency;
    Console.WriteLine($"latency over {requests.Length:N0} decisions ({100.0 * granted / requests.Length:F0}% granted): p50 {Us(0.5):F2} µs, p99 {Us(0.99):F2} µs, p99.9 {Us(0.999):F2} µs, max {Us(1):F1} µs");
}

static void Throughput(DecisionIndex index, DecisionRequest[] requests, int threads)
{
    var holder = new DecisionIndexHolder(index);
    var clock = Stopwatch.StartNew();
    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
    {
        for (var i = t; i < requests.Length; i += threads)
        {
            holder.Decide(requests[i]);
        }
    });
    clock.Stop();
    Console.WriteLine($"{threads} thread(s): {requests.Length / clock.Elapsed.TotalSeconds / 1e6:F2} M decisions/s");
}

static string Mb(long bytes) => $"{bytes / 1048576.0:F0} MB";
