using System.Diagnostics.Metrics;

namespace EdgeAccess.Cloud.Journal;

/// <summary>
/// The journal store's instruments on the hub's meter (<see cref="CloudTelemetry"/>), tagged by
/// <c>kind</c>. Kinds come from the nodes, so a tag carries only the kinds the hub knows and
/// <c>other</c> for the rest: a node cannot grow the metric's cardinality.
/// </summary>
internal static class JournalMetrics
{
    /// <summary>Events newly stored.</summary>
    public const string StoredName = "edgeaccess.journal.events.stored";

    /// <summary>Events received again that the hub already held (a re-sent batch).</summary>
    public const string DuplicateName = "edgeaccess.journal.events.duplicate";

    private static readonly Counter<long> Stored = CloudTelemetry.Meter.CreateCounter<long>(StoredName, "{event}", "Edge journal events stored by the hub, by kind");
    private static readonly Counter<long> Duplicate = CloudTelemetry.Meter.CreateCounter<long>(DuplicateName, "{event}", "Edge journal events received again and ignored (already stored), by kind");

    /// <summary>Records one batch: per tag kind, how many arrived and how many were new.</summary>
    public static void Record(Dictionary<string, (int Received, int Stored)> byKind)
    {
        foreach (var (kind, counts) in byKind)
        {
            var tag = new KeyValuePair<string, object?>("kind", kind);
            if (counts.Stored > 0)
            {
                Stored.Add(counts.Stored, tag);
            }

            if (counts.Received > counts.Stored)
            {
                Duplicate.Add(counts.Received - counts.Stored, tag);
            }
        }
    }
}
