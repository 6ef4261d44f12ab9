using System.Data;
using EdgeAccess.Cloud.Data.Entities;
using Npgsql;

namespace EdgeAccess.Cloud.Data.Feed;

/// <summary>A page of a site's feed after a cursor.</summary>
/// <param name="Entries">Consecutive entries from cursor + 1, in position order.</param>
/// <param name="Head">The site's last committed position when the page was read.</param>
/// <param name="Horizon">Positions at or below it have been compacted away.</param>
/// <param name="SnapshotRequired">The cursor is behind the horizon: the reader must bootstrap from a snapshot.</param>
public sealed record FeedPage(IReadOnlyList<FeedEntry> Entries, long Head, long Horizon, bool SnapshotRequired);

/// <summary>Reads a site's feed after a position.</summary>
public static class FeedReader
{
    /// <summary>
    /// Returns up to <paramref name="limit"/> entries after <paramref name="after"/>. Because
    /// positions commit in order (see <see cref="FeedPublisher"/>), the entries are consecutive and
    /// a reader that moves its cursor to the last one it got never skips or repeats an entry.
    /// </summary>
    public static async Task<FeedPage> ReadAsync(NpgsqlDataSource dataSource, Guid siteId, long after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // Head and entries from one snapshot, so Head is never behind the entries returned.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        long head, horizon;
        await using (var command = new NpgsqlCommand("SELECT head, horizon FROM feed_heads WHERE site_id = $1", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = siteId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new KeyNotFoundException($"site {siteId} has no feed");
            }

            head = reader.GetInt64(0);
            horizon = reader.GetInt64(1);
        }

        if (after < horizon)
        {
            return new FeedPage([], head, horizon, SnapshotRequired: true);
        }

        var entries = new List<FeedEntry>(Math.Min(limit, (int)Math.Min(int.MaxValue, Math.Max(0, head - after))));
        await using (var command = new NpgsqlCommand("""
            SELECT position, kind, entity_id, door_id, deleted, payload, committed_at, txid FROM feed_entries
            WHERE site_id = $1 AND position > $2 ORDER BY position LIMIT $3
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = siteId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new FeedEntry
                {
                    SiteId = siteId,
                    Position = reader.GetInt64(0),
                    Kind = (RecordKind)reader.GetInt16(1),
                    EntityId = reader.GetGuid(2),
                    DoorId = reader.IsDBNull(3) ? null : reader.GetGuid(3),
                    Deleted = reader.GetBoolean(4),
                    Payload = reader.IsDBNull(5) ? null : reader.GetFieldValue<byte[]>(5),
                    CommittedAt = reader.GetFieldValue<DateTimeOffset>(6),
                    Txid = reader.GetFieldValue<ulong>(7),
                });
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new FeedPage(entries, head, horizon, SnapshotRequired: false);
    }
}
