using System.Diagnostics.Metrics;
using EdgeAccess.Decisions;

namespace EdgeAccess.Edge.AccessPoint;

/// <summary>
/// Door decision instruments on the <c>EdgeAccess.Edge</c> meter. Tags are the reason and the
/// outcome only: never a door's card number, PIN or card id (unbounded and personal).
/// </summary>
internal static class AccessPointMetrics
{
    /// <summary>Name of the duration histogram.</summary>
    public const string DurationName = "edgeaccess.decision.duration";

    /// <summary>Name of the decision counter.</summary>
    public const string CountName = "edgeaccess.decisions";

    private static readonly Histogram<double> Duration = EdgeTelemetry.Meter.CreateHistogram<double>(
        DurationName, unit: "s", description: "Time from a door request to its journaled decision.");

    private static readonly Counter<long> Count = EdgeTelemetry.Meter.CreateCounter<long>(
        CountName, unit: "{decision}", description: "Door decisions answered, by outcome and reason.");

    // One boxed tag value per reason, so recording does not allocate a string per decision.
    private static readonly Dictionary<DecisionReason, string> ReasonNames =
        Enum.GetValues<DecisionReason>().ToDictionary(r => r, r => r.ToString());

    /// <summary>Records one answered decision.</summary>
    public static void Record(DecisionReason reason, TimeSpan elapsed)
    {
        var name = ReasonNames.GetValueOrDefault(reason) ?? reason.ToString();
        Duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("reason", name));
        Count.Add(1, new KeyValuePair<string, object?>("granted", reason == DecisionReason.Granted),
            new KeyValuePair<string, object?>("reason", name));
    }
}
