using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeAccess.Edge;

/// <summary>The edge node's own activity source and meter, <c>EdgeAccess.Edge</c>.</summary>
public static class EdgeTelemetry
{
    /// <summary>The name of the source and meter.</summary>
    public const string Name = "EdgeAccess.Edge";

    internal static readonly ActivitySource ActivitySource = new(Name, "1.0.0");

    internal static readonly Meter Meter = new(Name, "1.0.0");
}
