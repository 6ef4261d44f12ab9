using System.Diagnostics.Metrics;

namespace EdgeAccess.Edge.LabPolicy;

/// <summary>
/// Lab-process policy instruments on the <c>EdgeAccess.Edge</c> meter. Tagged with the resource id
/// (a node runs a handful); never with a user, uid or pid.
/// </summary>
internal static class LabPolicyMetrics
{
    /// <summary>Runs of control programs seen at the last tick.</summary>
    public const string RunsName = "edgeaccess.lab.runs";

    /// <summary>Warnings sent.</summary>
    public const string WarningsName = "edgeaccess.lab.warnings";

    /// <summary>Monitor-mode violations journaled.</summary>
    public const string ViolationsName = "edgeaccess.lab.violations";

    /// <summary>Runs terminated.</summary>
    public const string TerminationsName = "edgeaccess.lab.terminations";

    /// <summary>Terminations that left processes alive.</summary>
    public const string FailuresName = "edgeaccess.lab.termination_failures";

    /// <summary>Duration of a tick.</summary>
    public const string TickDurationName = "edgeaccess.lab.tick.duration";

    /// <summary>Duration of the /proc scan within a tick.</summary>
    public const string ScanDurationName = "edgeaccess.lab.process_scan.duration";

    private static readonly Counter<long> Warnings = EdgeTelemetry.Meter.CreateCounter<long>(
        WarningsName, unit: "{warning}", description: "Users warned that their control programs will be stopped.");

    private static readonly Counter<long> Violations = EdgeTelemetry.Meter.CreateCounter<long>(
        ViolationsName, unit: "{violation}", description: "Unbooked runs journaled in monitor mode.");

    private static readonly Counter<long> Terminations = EdgeTelemetry.Meter.CreateCounter<long>(
        TerminationsName, unit: "{run}", description: "Runs of control programs terminated, by whether SIGKILL was needed.");

    private static readonly Counter<long> Failures = EdgeTelemetry.Meter.CreateCounter<long>(
        FailuresName, unit: "{run}", description: "Termination attempts that left processes alive (retried every tick).");

    private static readonly Histogram<double> TickDuration = EdgeTelemetry.Meter.CreateHistogram<double>(
        TickDurationName, unit: "s", description: "Time of one lab-process policy tick (scan, decisions, journaling).");

    private static readonly Histogram<double> ScanDuration = EdgeTelemetry.Meter.CreateHistogram<double>(
        ScanDurationName, unit: "s", description: "Time to read the process table from /proc.");

    private static int _runs;

    static LabPolicyMetrics()
    {
        EdgeTelemetry.Meter.CreateObservableGauge(RunsName, () => Volatile.Read(ref _runs), unit: "{run}",
            description: "Runs of control programs (process groups) seen at the last tick.");
    }

    public static void Tick(int runs, TimeSpan duration, TimeSpan scan, bool scanned)
    {
        Volatile.Write(ref _runs, runs);
        TickDuration.Record(duration.TotalSeconds);
        if (scanned)
        {
            ScanDuration.Record(scan.TotalSeconds);
        }
    }

    public static void Warned(string resourceId) => Warnings.Add(1, Resource(resourceId));

    public static void Violated(string resourceId) => Violations.Add(1, Resource(resourceId));

    public static void Terminated(string resourceId, bool killed) =>
        Terminations.Add(1, Resource(resourceId), new KeyValuePair<string, object?>("killed", killed));

    public static void Failed(string resourceId) => Failures.Add(1, Resource(resourceId));

    private static KeyValuePair<string, object?> Resource(string resourceId) => new("resource", resourceId);
}
