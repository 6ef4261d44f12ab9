using System.Diagnostics;

namespace EdgeAccess.Bench.Rights.Diagnostics;

/// <summary>What a measured operation cost in memory: peak working set while it ran, bytes allocated, GCs.</summary>
internal readonly record struct MemoryCost(long PeakWorkingSet, bool PeakIsOwn, long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan GcPause);

/// <summary>
/// Measures the memory cost of an operation. The peak working set (VmHWM on Linux) is a process-
/// lifetime maximum; writing "5" to <c>/proc/self/clear_refs</c> resets it (Linux ≥ 4.0), so the
/// peak reported is the operation's own. Where that is not possible the lifetime peak is reported
/// and flagged.
/// </summary>
internal sealed class MemoryProbe
{
    private readonly long _allocated;
    private readonly int _gen0;
    private readonly int _gen1;
    private readonly int _gen2;
    private readonly TimeSpan _pause;
    private readonly bool _reset;

    private MemoryProbe()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _reset = TryResetPeak();
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _pause = GC.GetTotalPauseDuration();
    }

    public static MemoryProbe Start() => new();

    public MemoryCost Stop()
    {
        using var process = Process.GetCurrentProcess();
        return new MemoryCost(
            process.PeakWorkingSet64,
            _reset,
            GC.GetTotalAllocatedBytes(precise: true) - _allocated,
            GC.CollectionCount(0) - _gen0,
            GC.CollectionCount(1) - _gen1,
            GC.CollectionCount(2) - _gen2,
            GC.GetTotalPauseDuration() - _pause);
    }

    private static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return false;
        }
    }
}
