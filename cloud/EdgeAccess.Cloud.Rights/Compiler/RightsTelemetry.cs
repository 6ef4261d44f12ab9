using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeAccess.Cloud.Rights.Compiler;

/// <summary>Compile spans and metrics, on the hub's <c>EdgeAccess.Cloud</c> source and meter.</summary>
internal static class RightsTelemetry
{
    public static readonly ActivitySource ActivitySource = new("EdgeAccess.Cloud", "1.0.0");

    public static readonly Meter Meter = new("EdgeAccess.Cloud", "1.0.0");

    public static readonly Histogram<double> CompileDuration = Meter.CreateHistogram<double>(
        "edgeaccess.rights.compile.duration", "s", "Time to compile effective rights for a change, per affected site.");
}
