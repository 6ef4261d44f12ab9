using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeAccess.Cloud;

/// <summary>The hub's own activity source and meter, <c>EdgeAccess.Cloud</c>.</summary>
public static class CloudTelemetry
{
    /// <summary>The name of the source and meter.</summary>
    public const string Name = "EdgeAccess.Cloud";

    internal static readonly ActivitySource ActivitySource = new(Name, "1.0.0");

    internal static readonly Meter Meter = new(Name, "1.0.0");
}
