using System.Diagnostics;
using EdgeAccess.Bench.Rights.Diagnostics;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Data.Feed;
using Npgsql;

namespace EdgeAccess.Bench.Rights.Phases;

internal sealed record FeedRun(string What, long Entries, long Transactions, TimeSpan Elapsed, double P50Ms, double P99Ms, double MaxMs, CpuUse Cpu)
{
    public double EntriesPerSecond => Entries / Elapsed.TotalSeconds;
}

internal sealed record FeedResult(FeedRun Single, FeedRun Batched, SpanTree SingleTree, SpanTree BatchTree, int PayloadBytes);

/// <summary>
/// Raw feed append throughput through <see cref="FeedPublisher.PublishAsync"/>, on a separate site
/// created for it (so the benchmark site's state stays as compiled): single-entry transactions from
/// concurrent writers for a fixed time, then large batches from one writer. Entries are new rights
/// (fresh card ids) with a real compiled payload, i.e. feed rows plus effective_rights inserts.
/// </summary>
internal static class FeedPhase
{
    public static async Task<FeedResult> RunAsync(BenchHub hub, SpanRecorder recorder, Guid benchSite, Guid[] doors, BenchOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await hub.ExecuteAsync("INSERT INTO sites (id, name, time_zone, created_at, updated_at) VALUES ($1, 'feed-bench', 'Europe/Berlin', $2, $2)", cancellationToken, benchSite, now);
        await hub.ExecuteAsync("INSERT INTO feed_heads (site_id, head, horizon, updated_at) VALUES ($1, 0, 0, $2)", cancellationToken, benchSite, now);
        var payload = await hub.ScalarAsync<byte[]>("SELECT terms FROM effective_rights ORDER BY card_id, door_id LIMIT 1", cancellationToken);
        var random = new Random(options.Seed + 2);
        ReplicaChange NewChange() => new(benchSite, RecordKind.Right, NewGuid(random), doors[random.Next(doors.Length)], payload, NewGuid(random));

        // Single-entry transactions, FeedWriters concurrent writers, FeedSeconds after a 2 s warm-up.
        await hub.MarkAsync("feed: 1-entry transactions", cancellationToken);
        await SingleWritersAsync(TimeSpan.FromSeconds(2));
        var single = await SingleWritersAsync(TimeSpan.FromSeconds(options.FeedSeconds));
        Program.Log($"feed, 1-entry transactions x {options.FeedWriters} writers: {single.EntriesPerSecond:N0} entries/s");
        var (_, singleTree) = await recorder.MeasureAsync("PublishAsync, 1 entry", () => PublishAsync([NewChange()]));

        // Batches from one writer (prepared up front, so only publishing is timed).
        await hub.MarkAsync("feed: batches", cancellationToken);
        var batches = Enumerable.Range(0, options.FeedBatches + 1).Select(_ => Enumerable.Range(0, options.FeedBatch).Select(_ => NewChange()).ToArray()).ToList();
        await PublishAsync(batches[0]);
        var latencies = new List<double>();
        SpanTree? batchTree = null;
        var batchCpu = CpuMeter.Start();
        var started = Stopwatch.GetTimestamp();
        for (var i = 1; i < batches.Count; i++)
        {
            var one = Stopwatch.GetTimestamp();
            if (i == batches.Count - 1)
            {
                (_, batchTree) = await recorder.MeasureAsync($"PublishAsync, {options.FeedBatch} entries", () => PublishAsync(batches[^1]));
            }
            else
            {
                await PublishAsync(batches[i]);
            }

            latencies.Add(Stopwatch.GetElapsedTime(one).TotalMilliseconds);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var batched = Summarize($"{options.FeedBatch}-entry transactions, 1 writer", (long)options.FeedBatch * options.FeedBatches, options.FeedBatches, elapsed, latencies, batchCpu.Stop());
        Program.Log($"feed, {options.FeedBatch}-entry transactions: {batched.EntriesPerSecond:N0} entries/s");
        return new FeedResult(single, batched, singleTree, batchTree!, payload.Length);

        async Task<bool> PublishAsync(IReadOnlyList<ReplicaChange> changes)
        {
            await using var connection = await hub.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await FeedPublisher.PublishAsync(connection, transaction, changes, time.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }

        async Task<FeedRun> SingleWritersAsync(TimeSpan duration)
        {
            var cpu = CpuMeter.Start();
            var start = Stopwatch.GetTimestamp();
            var writers = Enumerable.Range(0, options.FeedWriters).Select(w => Task.Run(async () =>
            {
                var local = new Random(options.Seed + 100 + w);
                var own = new List<double>();
                await using var connection = await hub.DataSource.OpenConnectionAsync(cancellationToken);
                while (Stopwatch.GetElapsedTime(start) < duration)
                {
                    ReplicaChange[] change = [new(benchSite, RecordKind.Right, NewGuid(local), doors[local.Next(doors.Length)], payload, NewGuid(local))];
                    var one = Stopwatch.GetTimestamp();
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    await FeedPublisher.PublishAsync(connection, transaction, change, time.GetUtcNow(), cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    own.Add(Stopwatch.GetElapsedTime(one).TotalMilliseconds);
                }

                return own;
            }, cancellationToken)).ToArray();
            var all = (await Task.WhenAll(writers)).SelectMany(l => l).ToList();
            var elapsed = Stopwatch.GetElapsedTime(start);
            return Summarize($"1-entry transactions, {options.FeedWriters} concurrent writers", all.Count, all.Count, elapsed, all, cpu.Stop());
        }
    }

    private static FeedRun Summarize(string what, long entries, long transactions, TimeSpan elapsed, List<double> latencies, CpuUse cpu)
    {
        latencies.Sort();
        return new FeedRun(what, entries, transactions, elapsed, Stats.Percentile(latencies, 0.50), Stats.Percentile(latencies, 0.99), latencies.Count == 0 ? 0 : latencies[^1], cpu);
    }

    private static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
