using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EdgeAccess.Cloud.Sync;

/// <summary>One open sync stream: where the site's head and the node's acknowledgements stand.</summary>
internal sealed class SyncSession(string nodeId, Guid siteId)
{
    private long _head;
    private long _sent;
    private long _acked;

    public string NodeId { get; } = nodeId;

    public Guid SiteId { get; } = siteId;

    /// <summary>The site's head as last read by the stream.</summary>
    public long Head { get => Volatile.Read(ref _head); set => Volatile.Write(ref _head, value); }

    /// <summary>The last position sent to the node.</summary>
    public long Sent { get => Volatile.Read(ref _sent); set => Volatile.Write(ref _sent, value); }

    /// <summary>The last position the node acknowledged.</summary>
    public long Acked { get => Volatile.Read(ref _acked); set => Volatile.Write(ref _acked, value); }
}

/// <summary>
/// The sync streams open on this hub instance, at most one per node, and their metrics:
/// <c>edgeaccess.sync.streams</c> and <c>edgeaccess.sync.lag</c> on the <c>EdgeAccess.Cloud</c> meter.
/// </summary>
/// <remarks>
/// This only keeps one instance from serving a node twice. Across hub instances the stream also
/// holds a PostgreSQL advisory lock keyed by the node (<see cref="SyncStore.TryLockAsync"/>).
/// </remarks>
internal sealed class SyncRegistry
{
    private static readonly UpDownCounter<long> Streams = CloudTelemetry.Meter.CreateUpDownCounter<long>(
        "edgeaccess.sync.streams", "{stream}", "Edge sync streams open on this hub instance.");

    private readonly ConcurrentDictionary<string, SyncSession> _open = new(StringComparer.Ordinal);

    public SyncRegistry()
    {
        CloudTelemetry.Meter.CreateObservableGauge(
            "edgeaccess.sync.lag", ObserveLag, "{position}", "Site head minus the position the node acknowledged, per connected node.");
    }

    /// <summary>Registers a stream for the node, or returns null when it already has one here.</summary>
    public Lease? TryOpen(string nodeId, Guid siteId)
    {
        var session = new SyncSession(nodeId, siteId);
        if (!_open.TryAdd(nodeId, session))
        {
            return null;
        }

        Streams.Add(1);
        return new Lease(this, session);
    }

    private IEnumerable<Measurement<long>> ObserveLag() =>
        _open.Values.Select(s => new Measurement<long>(
            Math.Max(0, s.Head - s.Acked), new KeyValuePair<string, object?>("edgeaccess.node.id", s.NodeId)));

    /// <summary>Holds a node's slot until disposed.</summary>
    internal sealed class Lease(SyncRegistry registry, SyncSession session) : IDisposable
    {
        private int _disposed;

        public SyncSession Session { get; } = session;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                registry._open.TryRemove(new KeyValuePair<string, SyncSession>(Session.NodeId, Session));
                Streams.Add(-1);
            }
        }
    }
}
