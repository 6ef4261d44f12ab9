using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Sync;

internal sealed partial class SyncGrpcService
{
    /// <summary>The hub's side of one stream. Only this writes to the response stream.</summary>
    private sealed class Stream(SyncGrpcService service, HubWriter writer, SyncSession session, string authorization, SyncOptions settings)
    {
        /// <summary>Snapshot if needed, then tail the feed until cancelled or the node loses its credential.</summary>
        public async Task RunAsync(long position, CancellationToken cancellationToken)
        {
            var after = position;
            FeedPage? page = null;
            if (after > 0)
            {
                page = await ReadAsync(after, cancellationToken);
            }

            // No replica, or one the feed cannot continue: compacted past it, or ahead of the head
            // (a replica from another database); either way the snapshot replaces it.
            if (after == 0 || page!.SnapshotRequired || after > page.Head)
            {
                after = await SendSnapshotAsync(cancellationToken);
                page = null;
            }

            var nextBeat = service._time.GetUtcNow() + settings.HeartbeatInterval;
            // The first digest once the node has caught up after connecting, then periodically.
            var nextDigest = service._time.GetUtcNow();
            while (true)
            {
                page ??= await ReadAsync(after, cancellationToken);
                if (page.SnapshotRequired)
                {
                    // Compacted while the node lagged behind: start over from a snapshot.
                    after = await SendSnapshotAsync(cancellationToken);
                    page = null;
                    continue;
                }

                if (page.Entries.Count > 0)
                {
                    var changes = new Changes { Head = page.Head };
                    changes.Changes_.AddRange(page.Entries.Select(SyncMapping.FromEntry));
                    await writer.WriteAsync(new HubMessage { Changes = changes }, cancellationToken);
                    after = page.Entries[^1].Position;
                    session.Sent = after;
                    if (page.Entries.Count == BatchSize)
                    {
                        page = null;
                        continue;
                    }
                }

                page = null;
                var now = service._time.GetUtcNow();
                if (now >= nextDigest)
                {
                    after = await SendDigestAsync(after, cancellationToken);
                    nextDigest = now + settings.DigestInterval;
                }

                if (now >= nextBeat)
                {
                    await BeatAsync(now, cancellationToken);
                    nextBeat = now + settings.HeartbeatInterval;
                }

                var untilBeat = nextBeat - now;
                await service._notifier.WaitAsync(session.SiteId, after, untilBeat < settings.PollInterval ? untilBeat : settings.PollInterval, cancellationToken);
            }
        }

        /// <summary>
        /// Sends the site's digest at the head it was computed at. The changes up to that head go
        /// first, so a node processing in order holds exactly that state when the digest arrives.
        /// </summary>
        /// <returns>The position the stream continues after.</returns>
        private async Task<long> SendDigestAsync(long after, CancellationToken cancellationToken)
        {
            var digest = await service._digests.GetAsync(session.SiteId, after, cancellationToken);
            while (after < digest.Position)
            {
                var page = await ReadAsync(after, cancellationToken);
                if (page.SnapshotRequired || page.Entries.Count == 0)
                {
                    return after; // compacted meanwhile: the loop sends a snapshot; the digest waits for the next round
                }

                var changes = new Changes { Head = digest.Position };
                changes.Changes_.AddRange(page.Entries.Where(e => e.Position <= digest.Position).Select(SyncMapping.FromEntry));
                await writer.WriteAsync(new HubMessage { Changes = changes }, cancellationToken);
                after = changes.Changes_[^1].Position;
                session.Sent = after;
            }

            var message = new ReplicaDigest { Position = digest.Position, RecordCount = digest.RecordCount, Digest = Google.Protobuf.ByteString.CopyFrom(digest.Digest) };
            await writer.WriteAsync(new HubMessage { Digest = message }, cancellationToken);
            return after;
        }

        private async Task<FeedPage> ReadAsync(long after, CancellationToken cancellationToken)
        {
            var page = await FeedReader.ReadAsync(service._dataSource, session.SiteId, after, BatchSize, cancellationToken);
            session.Head = page.Head;
            return page;
        }

        /// <summary>
        /// Re-authenticates (a revoked node, or one whose token expired after a rotation, loses its
        /// stream within one interval), then tells the node the hub is alive and where the head is.
        /// </summary>
        private async Task BeatAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            var identity = await service._authenticator.AuthenticateAsync(authorization, cancellationToken);
            if (identity is null || identity.NodeId != session.NodeId || identity.SiteId != session.SiteId)
            {
                SyncLog.Revoked(service._logger, session.NodeId);
                throw new RpcException(new Status(StatusCode.PermissionDenied, $"node {session.NodeId} was revoked or its token is no longer valid"));
            }

            var heartbeat = new HubHeartbeat { SentAt = Timestamp.FromDateTimeOffset(now), Head = session.Head };
            await writer.WriteAsync(new HubMessage { Heartbeat = heartbeat }, cancellationToken);
        }

        /// <summary>Streams a consistent snapshot in chunks; returns its position, where the tail continues.</summary>
        private async Task<long> SendSnapshotAsync(CancellationToken cancellationToken)
        {
            await using var snapshot = await SiteSnapshot.OpenAsync(service._dataSource, session.SiteId, cancellationToken);
            SyncLog.Snapshot(service._logger, session.NodeId, session.SiteId, snapshot.Position, snapshot.RecordCount);
            var begin = new SnapshotBegin { SiteId = session.SiteId.ToString(), Position = snapshot.Position, RecordCount = snapshot.RecordCount };
            await writer.WriteAsync(new HubMessage { SnapshotBegin = begin }, cancellationToken);
            var chunk = new SnapshotChunk();
            await foreach (var record in snapshot.ReadAsync(cancellationToken))
            {
                chunk.Records.Add(SyncMapping.FromSnapshot(record, snapshot.Position));
                if (chunk.Records.Count == BatchSize)
                {
                    await writer.WriteAsync(new HubMessage { SnapshotChunk = chunk }, cancellationToken);
                    chunk = new SnapshotChunk();
                }
            }

            if (chunk.Records.Count > 0)
            {
                await writer.WriteAsync(new HubMessage { SnapshotChunk = chunk }, cancellationToken);
            }

            await writer.WriteAsync(new HubMessage { SnapshotEnd = new SnapshotEnd { Position = snapshot.Position } }, cancellationToken);
            session.Sent = snapshot.Position;
            session.Head = Math.Max(session.Head, snapshot.Position);
            return snapshot.Position;
        }
    }
}
