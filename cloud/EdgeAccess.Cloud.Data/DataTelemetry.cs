using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeAccess.Cloud.Data;

/// <summary>
/// Spans and metrics of the hub's storage layer. They use the hub's source and meter
/// (<c>EdgeAccess.Cloud</c>), so operators find feed and compile telemetry in one place.
/// </summary>
public static class DataTelemetry
{
    /// <summary>The name of the source and meter (shared with the hub host).</summary>
    public const string Name = "EdgeAccess.Cloud";

    internal static readonly ActivitySource ActivitySource = new(Name, "1.0.0");

    internal static readonly Meter Meter = new(Name, "1.0.0");

    internal static readonly Counter<long> FeedAppended = Meter.CreateCounter<long>(
        "edgeaccess.feed.appended", "{entry}", "Entries appended to site change feeds.");
}
