using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeAccess.Grpc;

namespace EdgeAccess.Bench.Booking;

/// <summary>What one call ended with.</summary>
internal enum Outcome
{
    /// <summary>Booked (or, for queries, answered).</summary>
    Ok,

    /// <summary>FAILED_PRECONDITION "is not free" with at least one alternative in the trailer.</summary>
    Conflict,

    /// <summary>A conflict answered without alternatives.</summary>
    ConflictWithoutAlternatives,

    Error,
}

/// <summary>The calls of one timed phase: counts and client-side latency per outcome.</summary>
internal sealed class LoadResult(TimeSpan elapsed, Dictionary<Outcome, List<long>> ticks, IReadOnlyList<string> errors, Cpu.Usage cpu, string waits, string reads)
{
    public TimeSpan Elapsed { get; } = elapsed;

    public IReadOnlyList<string> Errors { get; } = errors;

    public Cpu.Usage Cpu { get; } = cpu;

    /// <summary>PostgreSQL backends by state, averaged over the samples (see <see cref="WaitSampler"/>).</summary>
    public string Waits { get; } = waits;

    /// <summary>Rows PostgreSQL read per call, top tables (see <see cref="TableReads"/>).</summary>
    public string Reads { get; } = reads;

    public int Count(Outcome outcome) => ticks.TryGetValue(outcome, out var list) ? list.Count : 0;

    public int Total => ticks.Values.Sum(l => l.Count);

    public double Rate(Outcome outcome) => Count(outcome) / Elapsed.TotalSeconds;

    /// <summary>CPU milliseconds per call, this process + PostgreSQL ("6.1 + 9.8").</summary>
    public string CpuPerCall => Total == 0 ? "–" : string.Create(CultureInfo.InvariantCulture,
        $"{Cpu.Own * Elapsed.TotalMilliseconds / Total:F1} + {Cpu.Postgres * Elapsed.TotalMilliseconds / Total:F1}");

    public Stats Latency(params Outcome[] outcomes) => Stats.FromTicks(outcomes.SelectMany(o => ticks.TryGetValue(o, out var l) ? l : []));
}

/// <summary>Runs callers concurrently, each calling until it has no more work or the deadline passes.</summary>
internal static class Load
{
    /// <summary>
    /// Each caller calls <paramref name="call"/> with its iteration number until it returns null
    /// (no more work) or <paramref name="duration"/> has passed. Only the call is timed.
    /// </summary>
    public static async Task<LoadResult> RunAsync(
        IReadOnlyList<Caller> callers, TimeSpan duration, Func<Caller, int, Func<Task<Outcome>>?> call, BenchHub hub, Cpu cpu, CancellationToken ct)
    {
        var perCaller = new List<(Outcome, long)>[callers.Count];
        var errors = new ConcurrentQueue<string>();
        var tablesBefore = await TableReads.TakeAsync(hub.DataSource, ct);
        await using var waits = WaitSampler.Start(hub.DataSource);
        var before = cpu.Take();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(callers.Select((caller, c) => Task.Run(async () =>
        {
            var mine = perCaller[c] = [];
            for (var i = 0; clock.Elapsed < duration && !ct.IsCancellationRequested; i++)
            {
                var next = call(caller, i);
                if (next is null)
                {
                    break;
                }

                var start = Stopwatch.GetTimestamp();
                Outcome outcome;
                try
                {
                    outcome = await next();
                }
                catch (RpcException ex)
                {
                    outcome = Classify(ex);
                    if (outcome == Outcome.Error && errors.Count < 5)
                    {
                        errors.Enqueue($"{ex.StatusCode}: {ex.Status.Detail}");
                    }
                }

                mine.Add((outcome, Stopwatch.GetTimestamp() - start));
            }
        }, ct)));
        var elapsed = clock.Elapsed;
        var usage = cpu.Since(before);
        var waitText = await waits.StopAsync();
        var ticks = perCaller.SelectMany(l => l).GroupBy(x => x.Item1).ToDictionary(g => g.Key, g => g.Select(x => x.Item2).ToList());

        // Let the backends flush their table statistics (at most once a second) before reading them.
        await Task.Delay(1200, ct);
        var reads = TableReads.PerCall(tablesBefore, await TableReads.TakeAsync(hub.DataSource, ct), perCaller.Sum(l => l.Count));
        return new LoadResult(elapsed, ticks, [.. errors], usage, waitText, reads);
    }

    /// <summary>A lost race answers FAILED_PRECONDITION "is not free" with alternatives in the trailer.</summary>
    public static Outcome Classify(RpcException ex)
    {
        if (ex.StatusCode != StatusCode.FailedPrecondition || !ex.Status.Detail.Contains("is not free", StringComparison.Ordinal))
        {
            return Outcome.Error;
        }

        var alternatives = ex.Trailers.GetValue("booking-alternatives");
        return string.IsNullOrEmpty(alternatives) ? Outcome.ConflictWithoutAlternatives : Outcome.Conflict;
    }
}
