using System.Diagnostics.Metrics;

namespace EdgeAccess.Edge.Replica;

/// <summary>Names of the local store's instruments, on the edge node's meter <c>EdgeAccess.Edge</c>.</summary>
public static class ReplicaTelemetry
{
    /// <summary>The meter name (shared with the edge node's own telemetry).</summary>
    public const string MeterName = "EdgeAccess.Edge";

    /// <summary>Gauge: unacknowledged journal entries / configured capacity (1.0 = full, hard limit 2.0).</summary>
    public const string JournalFillRatio = "edgeaccess.journal.fill_ratio";

    /// <summary>Creates the meter through <paramref name="factory"/>, or a standalone one.</summary>
    internal static Meter CreateMeter(IMeterFactory? factory) =>
        factory?.Create(new MeterOptions(MeterName) { Version = "1.0.0" }) ?? new Meter(MeterName, "1.0.0");
}
