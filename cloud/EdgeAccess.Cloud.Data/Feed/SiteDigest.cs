using EdgeAccess.Protos.Replication;
using Npgsql;
using ProtoKind = EdgeAccess.Protos.V1.RecordKind;

namespace EdgeAccess.Cloud.Data.Feed;

/// <summary>A site's <see cref="StateDigest"/> at a feed position (sent as sync.proto's <c>ReplicaDigest</c>).</summary>
/// <param name="Position">The feed position the digest reflects.</param>
/// <param name="RecordCount">How many records it covers.</param>
/// <param name="Digest">The <see cref="StateDigest.Size"/>-byte digest.</param>
public readonly record struct ReplicaDigestResult(long Position, long RecordCount, byte[] Digest);

/// <summary>
/// The hub's side of the replica integrity check (issue 4 §6): the <see cref="StateDigest"/> of
/// exactly the records a <see cref="SiteSnapshot"/> at the same position sends to an edge node —
/// it reads them through the snapshot itself, so the set (every card included) cannot drift from
/// what nodes replicate.
/// </summary>
public static class SiteDigest
{
    /// <summary>Computes the digest of <paramref name="siteId"/> at its current head.</summary>
    /// <remarks>
    /// Ids are formatted as the sync mapping writes them into <c>FeedChange</c>
    /// (<see cref="Guid.ToString()"/>; the door id only for rights) and payloads are taken in
    /// canonical form (<see cref="StateDigest.Canonicalize"/>): what the edge stores after parsing
    /// the feed message. Re-serializing costs little on the hub and keeps the digest right even for
    /// rows written before a schema change (their unknown fields move to the end when the hub
    /// parses them for the stream, and so they do on the node).
    /// </remarks>
    /// <exception cref="KeyNotFoundException">The site has no feed.</exception>
    public static async Task<ReplicaDigestResult> ComputeAsync(NpgsqlDataSource dataSource, Guid siteId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var snapshot = await SiteSnapshot.OpenAsync(dataSource, siteId, cancellationToken).ConfigureAwait(false);
        var digest = new StateDigest();
        await foreach (var record in snapshot.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var kind = (ProtoKind)(int)record.Kind;
            var doorId = kind == ProtoKind.Right ? record.DoorId?.ToString() ?? "" : "";
            digest.Add(kind, record.EntityId.ToString(), doorId, StateDigest.Canonicalize(kind, record.Payload));
        }

        return new ReplicaDigestResult(snapshot.Position, digest.Count, digest.ToBytes());
    }
}
