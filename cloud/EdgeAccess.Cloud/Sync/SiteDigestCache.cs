using System.Collections.Concurrent;
using EdgeAccess.Cloud.Data.Feed;
using Npgsql;

namespace EdgeAccess.Cloud.Sync;

/// <summary>
/// Shares site digests between the nodes of a site. A digest reads the site's whole state (seconds
/// for a million records), and after a hub restart every node of a site reconnects at once: they
/// get one computation, not one each. A cached digest is used only while it is fresh and not
/// behind the node (a node already past its position could not compare).
/// </summary>
internal sealed class SiteDigestCache(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>How long a digest is shared.</summary>
    internal static readonly TimeSpan Freshness = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    /// <summary>A digest of the site at a position at or after <paramref name="after"/>.</summary>
    public async Task<ReplicaDigestResult> GetAsync(Guid siteId, long after, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(siteId, out var entry) && now - entry.StartedAt < Freshness)
        {
            var shared = await entry.Digest.WaitAsync(cancellationToken);
            if (shared.Position >= after)
            {
                return shared;
            }
        }

        // Not cancelled with this stream: other nodes may be waiting on the same computation.
        var fresh = new Entry(now, SiteDigest.ComputeAsync(dataSource, siteId, CancellationToken.None));
        _entries[siteId] = fresh;
        try
        {
            return await fresh.Digest.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _entries.TryRemove(KeyValuePair.Create(siteId, fresh));
            throw;
        }
    }

    private sealed record Entry(DateTimeOffset StartedAt, Task<ReplicaDigestResult> Digest);
}
