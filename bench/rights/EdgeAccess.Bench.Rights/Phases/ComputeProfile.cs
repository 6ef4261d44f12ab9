using System.Data;
using System.Diagnostics;
using EdgeAccess.Cloud.Rights.Compiler;

namespace EdgeAccess.Bench.Rights.Phases;

/// <summary>CPU cost of the compiler's two in-process steps for everyone, without any write.</summary>
internal sealed record ComputeResult(TimeSpan LoadWall, TimeSpan LoadCpu, long LoadAllocated, TimeSpan ComputeWall, TimeSpan ComputeCpu, long ComputeAllocated, long Rights, long TermBytes);

/// <summary>
/// Profiles the in-process part of a full compile in isolation, through the compiler's own internal
/// pieces: <c>RightsLoader.LoadAsync</c> (every person, read-only transaction) and
/// <c>RightsCalculator.Compute</c> for every person, each with wall time, process CPU time (all
/// threads, GC included) and bytes allocated. CPU time does not grow when other processes compete
/// for the cores, so it is the steadier figure on a shared machine.
/// </summary>
internal static class ComputeProfile
{
    public static async Task<ComputeResult> RunAsync(BenchHub hub, CancellationToken cancellationToken)
    {
        await hub.MarkAsync("compiler steps, isolated", cancellationToken);
        await using var connection = await hub.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        using var process = Process.GetCurrentProcess();

        GC.Collect();
        var (cpu, allocated, started) = (process.TotalProcessorTime, GC.GetTotalAllocatedBytes(true), Stopwatch.GetTimestamp());
        var model = await RightsLoader.LoadAsync(connection, transaction, null, null, cancellationToken);
        process.Refresh();
        var loadWall = Stopwatch.GetElapsedTime(started);
        var loadCpu = process.TotalProcessorTime - cpu;
        var loadAllocated = GC.GetTotalAllocatedBytes(true) - allocated;

        GC.Collect();
        process.Refresh();
        (cpu, allocated, started) = (process.TotalProcessorTime, GC.GetTotalAllocatedBytes(true), Stopwatch.GetTimestamp());
        var output = new List<CompiledRight>(1 << 20);
        foreach (var person in model.People.Values)
        {
            RightsCalculator.Compute(model, person, static _ => true, output);
        }

        process.Refresh();
        var computeWall = Stopwatch.GetElapsedTime(started);
        var computeCpu = process.TotalProcessorTime - cpu;
        var computeAllocated = GC.GetTotalAllocatedBytes(true) - allocated;
        await transaction.RollbackAsync(cancellationToken);
        var result = new ComputeResult(loadWall, loadCpu, loadAllocated, computeWall, computeCpu, computeAllocated, output.Count, output.Sum(r => (long)r.Terms.Length));

        // Leave no large garbage behind for a later, measured change to pay for.
        output = null;
        GC.Collect();
        Program.Log($"compute profile: load {loadWall.TotalSeconds:F1} s ({loadCpu.TotalSeconds:F1} CPU-s), compute {computeWall.TotalSeconds:F1} s ({computeCpu.TotalSeconds:F1} CPU-s) for {result.Rights:N0} rights");
        return result;
    }
}
