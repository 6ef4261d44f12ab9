using System.Diagnostics;
using EdgeAccess.Bench.Rights.Diagnostics;
using EdgeAccess.Cloud.Rights.Compiler;

namespace EdgeAccess.Bench.Rights.Phases;

internal sealed record FullCompileResult(
    TimeSpan Elapsed,
    CpuUse Cpu,
    CompileReport Report,
    long RightsRows,
    long FeedEntries,
    long WalBytes,
    MemoryCost Memory,
    SpanTree Tree,
    TimeSpan Vacuum,
    TimeSpan ConsistencyElapsed,
    CpuUse ConsistencyCpu,
    CompileReport ConsistencyReport,
    SpanTree ConsistencyTree,
    TimeSpan VerifyElapsed,
    CompileReport VerifyReport);

/// <summary>
/// The full compile on the empty effective state (everything new, one transaction), then the same
/// call on the now-consistent state (the consistency check: it must publish nothing), then
/// <c>VerifyAsync</c> (compile and compare, writing nothing).
/// </summary>
internal static class FullCompilePhase
{
    public static async Task<FullCompileResult> RunAsync(BenchHub hub, SpanRecorder recorder, Guid site, TimeProvider time, CancellationToken cancellationToken)
    {
        await hub.MarkAsync("full compile (empty effective state)", cancellationToken);
        var headBefore = await hub.HeadAsync(site, cancellationToken);
        var wal = await hub.WalPositionAsync(cancellationToken);
        var probe = MemoryProbe.Start();
        var cpu = CpuMeter.Start();
        var started = Stopwatch.GetTimestamp();
        var (report, tree) = await recorder.MeasureAsync("FullCompileAsync (empty effective state)", async () =>
        {
            await using var scope = hub.NewContext();
            return await hub.Compiler.FullCompileAsync(scope.Db, time.GetUtcNow(), cancellationToken);
        });
        var elapsed = Stopwatch.GetElapsedTime(started);
        var compileCpu = cpu.Stop();
        var memory = probe.Stop();
        Program.Log($"full compile: {elapsed.TotalSeconds:F1} s, {report.RightsChanged:N0} rights, {report.RecordsChanged:N0} records; CPU {compileCpu}");

        var walBytes = await hub.WalSinceAsync(wal, cancellationToken);
        var rows = await hub.ScalarAsync<long>("SELECT count(*) FROM effective_rights", cancellationToken);
        var entries = await hub.HeadAsync(site, cancellationToken) - headBefore;

        // What autovacuum would do shortly after a bulk change; the incremental path then sees
        // planner statistics and visibility information for the new rows.
        await hub.MarkAsync("VACUUM (ANALYZE), not measured", cancellationToken);
        started = Stopwatch.GetTimestamp();
        await hub.ExecuteAsync("VACUUM (ANALYZE) effective_rights, feed_entries, replica_records, feed_heads", cancellationToken);
        var vacuum = Stopwatch.GetElapsedTime(started);

        await hub.MarkAsync("consistency check (second full compile)", cancellationToken);
        cpu = CpuMeter.Start();
        started = Stopwatch.GetTimestamp();
        var (consistency, consistencyTree) = await recorder.MeasureAsync("FullCompileAsync (consistent state)", async () =>
        {
            await using var scope = hub.NewContext();
            return await hub.Compiler.FullCompileAsync(scope.Db, time.GetUtcNow(), cancellationToken);
        });
        var consistencyElapsed = Stopwatch.GetElapsedTime(started);
        var consistencyCpu = cpu.Stop();
        Program.Log($"consistency check (second full compile): {consistencyElapsed.TotalSeconds:F1} s, {consistency.RightsChanged + consistency.RecordsChanged} changes");

        await hub.MarkAsync("VerifyAsync", cancellationToken);
        started = Stopwatch.GetTimestamp();
        CompileReport verify;
        await using (var scope = hub.NewContext())
        {
            verify = await hub.Compiler.VerifyAsync(scope.Db, cancellationToken);
        }

        var verifyElapsed = Stopwatch.GetElapsedTime(started);
        Program.Log($"VerifyAsync: {verifyElapsed.TotalSeconds:F1} s, consistent={verify.Consistent}");
        return new FullCompileResult(elapsed, compileCpu, report, rows, entries, walBytes, memory, tree, vacuum, consistencyElapsed, consistencyCpu, consistency, consistencyTree, verifyElapsed, verify);
    }
}
