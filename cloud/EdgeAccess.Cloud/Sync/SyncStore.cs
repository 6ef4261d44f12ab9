using Npgsql;

namespace EdgeAccess.Cloud.Sync;

/// <summary>The <c>node_sync</c> rows and the per-node advisory lock of the sync stream.</summary>
internal sealed class SyncStore(NpgsqlDataSource dataSource)
{
    // The first key of the two-key advisory lock form: its own key space, apart from the
    // single-bigint locks other code takes (PostgreSQL docs, "Advisory Locks").
    private const int LockNamespace = 0x5359_4E43; // "SYNC"

    /// <summary>
    /// Takes <c>pg_try_advisory_lock(namespace, hashtext(node_id))</c> on a connection of its own,
    /// held for the stream's life, so only one hub instance serves a node. Returns null when another
    /// session holds it. A hash collision between two node ids would refuse one of them while the
    /// other is connected (int4 hash; unlikely, and it heals when the other stream ends). The lock
    /// costs one pooled connection per open stream; size the pool for the fleet.
    /// </summary>
    public async Task<NodeLock?> TryLockAsync(string nodeId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, hashtext($2))", connection);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = LockNamespace });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                return new NodeLock(connection, nodeId);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Marks the node connected (creating its row) and seen now.</summary>
    /// <remarks><c>connected_at</c> moves only when a stream opens (not on heartbeats): the watchdog counts a stall from it.</remarks>
    public Task ConnectedAsync(string nodeId, bool connected, DateTimeOffset now, CancellationToken cancellationToken) => ExecuteAsync("""
        INSERT INTO node_sync (node_id, connected, last_seen_at, connected_at, updated_at) VALUES ($1, $2, $3, CASE WHEN $2 THEN $3 END, $3)
        ON CONFLICT (node_id) DO UPDATE SET
            connected_at = CASE WHEN $2 AND NOT node_sync.connected THEN $3 ELSE node_sync.connected_at END,
            connected = $2, last_seen_at = $3, updated_at = $3
        """, nodeId, connected, now, 0, cancellationToken);

    /// <summary>Records an acknowledgement; the stored position never moves back.</summary>
    public Task AckAsync(string nodeId, long position, DateTimeOffset now, CancellationToken cancellationToken) => ExecuteAsync("""
        UPDATE node_sync SET last_ack_at = CASE WHEN $4 > acked_position THEN $3 ELSE last_ack_at END,
            acked_position = GREATEST(acked_position, $4), last_seen_at = $3, updated_at = $3
        WHERE node_id = $1 AND connected = $2
        """, nodeId, true, now, position, cancellationToken);

    private async Task ExecuteAsync(string sql, string nodeId, bool connected, DateTimeOffset now, long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = connected });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        if (position > 0)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The held advisory lock; disposing unlocks it before the connection goes back to the pool.</summary>
    internal sealed class NodeLock(NpgsqlConnection connection, string nodeId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Session-level locks survive a return to the pool, so unlock explicitly. If the
                // connection broke, the server already released the lock with the session.
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1, hashtext($2))", connection);
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = LockNamespace });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
                await command.ExecuteScalarAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // Broken connection: the server dropped the lock with the session.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
