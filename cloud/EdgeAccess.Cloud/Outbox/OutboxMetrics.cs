using System.Diagnostics.Metrics;

namespace EdgeAccess.Cloud.Outbox;

/// <summary>The outbox's instruments on the <c>EdgeAccess.Cloud</c> meter; tag <c>edgeaccess.outbox.topic</c>.</summary>
internal static class OutboxMetrics
{
    public const string TopicTag = "edgeaccess.outbox.topic";

    public static readonly Counter<long> Dispatched = CloudTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.outbox.dispatched", "{message}", "Outbox messages whose handler succeeded.");

    public static readonly Counter<long> Failed = CloudTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.outbox.failed", "{attempt}", "Outbox handler attempts that failed (retried or dead-lettered).");

    public static readonly Counter<long> DeadLettered = CloudTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.outbox.dead_lettered", "{message}", "Outbox messages given up after their last attempt or a permanent failure.");

    public static readonly Histogram<double> Duration = CloudTelemetry.Meter.CreateHistogram<double>(
        "edgeaccess.outbox.duration", "s", "How long an outbox handler ran, by topic and outcome.");

    public static KeyValuePair<string, object?> Topic(string topic) => new(TopicTag, topic);
}
