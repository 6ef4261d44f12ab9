using System.Diagnostics.Metrics;

namespace EdgeAccess.Edge.HubLink;

/// <summary>The sync stream's instruments on the <c>EdgeAccess.Edge</c> meter.</summary>
internal static class SyncMetrics
{
    public static readonly Counter<long> ChangesApplied = EdgeTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.sync.changes.applied", unit: "{change}", description: "Feed changes applied to the replica.");

    public static readonly Counter<long> SnapshotRecords = EdgeTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.sync.snapshot.records", unit: "{record}", description: "Records loaded from snapshots.");

    public static readonly Counter<long> EventsUploaded = EdgeTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.sync.journal.uploaded", unit: "{event}", description: "Journal events sent to the hub (a resend counts again).");

    public static readonly Counter<long> Reconnects = EdgeTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.sync.reconnects", unit: "{stream}", description: "Sync streams that ended and are being reopened.");

    public static readonly Counter<long> TamperingDetected = EdgeTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.replica.tampering", unit: "{event}", description: "Replica digests that did not match the hub's.");

    public static readonly Histogram<double> Propagation = EdgeTelemetry.Meter.CreateHistogram<double>(
        "edgeaccess.sync.propagation", unit: "ms", description: "Hub commit to replica applied, per batch (includes clock skew between hub and node).");
}
