using System.Data;
using System.Runtime.CompilerServices;
using EdgeAccess.Cloud.Data.Entities;
using Npgsql;

namespace EdgeAccess.Cloud.Data.Feed;

/// <summary>One record of a site snapshot (a right when <see cref="DoorId"/> is set).</summary>
public readonly record struct SnapshotRecord(RecordKind Kind, Guid EntityId, Guid? DoorId, byte[] Payload);

/// <summary>
/// A consistent snapshot of a site's replicated state at one feed position, read in a single
/// REPEATABLE READ transaction: every record reflects exactly the changes up to
/// <see cref="Position"/>, so a reader that loads it and then tails the feed from
/// <see cref="Position"/> misses nothing and applies nothing twice.
/// </summary>
public sealed class SiteSnapshot : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private SiteSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid siteId, long position, long recordCount)
    {
        _connection = connection;
        _transaction = transaction;
        SiteId = siteId;
        Position = position;
        RecordCount = recordCount;
    }

    /// <summary>The site.</summary>
    public Guid SiteId { get; }

    /// <summary>The feed position the snapshot reflects.</summary>
    public long Position { get; }

    /// <summary>How many records <see cref="ReadAsync"/> yields.</summary>
    public long RecordCount { get; }

    /// <summary>Opens a snapshot of <paramref name="siteId"/> at its current head.</summary>
    public static async Task<SiteSnapshot> OpenAsync(NpgsqlDataSource dataSource, Guid siteId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("""
                SELECT h.head,
                       (SELECT count(*) FROM replica_records r WHERE r.site_id = h.site_id) +
                       (SELECT count(*) FROM effective_rights e WHERE e.site_id = h.site_id)
                FROM feed_heads h WHERE h.site_id = $1
                """, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = siteId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new KeyNotFoundException($"site {siteId} has no feed");
            }

            return new SiteSnapshot(connection, transaction, siteId, reader.GetInt64(0), reader.GetInt64(1));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Streams every record: site, doors, schedules and cards first, then the rights.</summary>
    public async IAsyncEnumerable<SnapshotRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand(
            "SELECT kind, entity_id, payload FROM replica_records WHERE site_id = $1 ORDER BY kind, entity_id", _connection, _transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = SiteId });
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new SnapshotRecord((RecordKind)reader.GetInt16(0), reader.GetGuid(1), null, reader.GetFieldValue<byte[]>(2));
            }
        }

        await using (var command = new NpgsqlCommand(
            "SELECT card_id, door_id, terms FROM effective_rights WHERE site_id = $1", _connection, _transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = SiteId });
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new SnapshotRecord(RecordKind.Right, reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<byte[]>(2));
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
