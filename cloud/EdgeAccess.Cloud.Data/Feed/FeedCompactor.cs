using Npgsql;

namespace EdgeAccess.Cloud.Data.Feed;

/// <summary>
/// Removes old feed entries. The replicated state tables keep the current value of every record,
/// so nothing is lost: a reader whose cursor falls behind the horizon is told "snapshot required"
/// and bootstraps from <see cref="SiteSnapshot"/>.
/// </summary>
public static class FeedCompactor
{
    /// <summary>
    /// Compacts the site's entries at or below <paramref name="upTo"/> (clamped to the head).
    /// Returns the number of entries deleted.
    /// </summary>
    public static async Task<long> CompactAsync(NpgsqlDataSource dataSource, Guid siteId, long upTo, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Raising the horizon takes the head row's lock, which orders compaction with appends.
        long horizon;
        await using (var raise = new NpgsqlCommand(
            "UPDATE feed_heads SET horizon = GREATEST(horizon, LEAST($2, head)) WHERE site_id = $1 RETURNING horizon", connection, transaction))
        {
            raise.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = siteId });
            raise.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
            horizon = (long)(await raise.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"site {siteId} has no feed"));
        }

        long deleted;
        await using (var delete = new NpgsqlCommand("DELETE FROM feed_entries WHERE site_id = $1 AND position <= $2", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = siteId });
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = horizon });
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>The highest position of the site committed at or before <paramref name="olderThan"/>.</summary>
    public static async Task<long> PositionBeforeAsync(NpgsqlDataSource dataSource, Guid siteId, DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT coalesce(max(position), 0) FROM feed_entries WHERE site_id = $1 AND committed_at <= $2");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = siteId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = olderThan });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
