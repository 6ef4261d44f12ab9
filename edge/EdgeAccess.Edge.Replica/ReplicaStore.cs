using System.Globalization;
using System.Runtime.CompilerServices;
using EdgeAccess.Edge.Replica.Internal;
using EdgeAccess.Protos.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAccess.Edge.Replica;

/// <summary>
/// The edge node's replica of its site: every current record at <see cref="Position"/> of the
/// site's feed, in <c>replica.db</c> (SQLite, WAL, synchronous=NORMAL — see README.md). Loaded by
/// <see cref="ApplySnapshotAsync"/>, kept current by <see cref="ApplyChangesAsync"/>, read back by
/// <see cref="ReadAllAsync"/> to build the in-memory decision index.
/// </summary>
/// <remarks>One instance owns the file; its operations are serialised by one gate.</remarks>
public sealed partial class ReplicaStore : IDisposable
{
    private const string SiteIdKey = "site_id";
    private const string PositionKey = "position";
    private const string SnapshotAtKey = "snapshot_at";
    private const string LastSyncAtKey = "last_sync_at";

    private readonly ReplicaOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _snapshotGate = new(1, 1);
    private SqliteConnection? _connection;

    private ReplicaStore(ReplicaOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The site this replica belongs to; empty before the first snapshot.</summary>
    public string SiteId { get; private set; } = "";

    /// <summary>The feed position every record reflects (0: nothing applied yet).</summary>
    public long Position { get; private set; }

    /// <summary>When the current snapshot was applied, if any.</summary>
    public DateTimeOffset? SnapshotAt { get; private set; }

    /// <summary>When the replica last caught up with the hub (snapshot or changes applied).</summary>
    public DateTimeOffset? LastSyncAt { get; private set; }

    /// <summary>The replica file.</summary>
    public string FilePath => _options.ReplicaPath;

    private string IncomingPath => _options.ReplicaPath + ".incoming";

    private SqliteConnection Connection => _connection ?? throw new ObjectDisposedException(nameof(ReplicaStore));

    /// <summary>
    /// Opens (creating and migrating) the replica in <see cref="ReplicaOptions.DataDirectory"/>,
    /// discarding any snapshot file an interrupted <see cref="ApplySnapshotAsync"/> left behind.
    /// </summary>
    public static ReplicaStore Open(ReplicaOptions options, TimeProvider timeProvider, ILogger<ReplicaStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Directory.CreateDirectory(options.DataDirectory);
        var store = new ReplicaStore(options, timeProvider, (ILogger?)logger ?? NullLogger.Instance);
        if (File.Exists(store.IncomingPath))
        {
            SqliteDatabase.DeleteFiles(store.IncomingPath);
            ReplicaLog.IncomingSnapshotDiscarded(store._logger, store.IncomingPath);
        }

        var migrations = store.OpenLive();
        ReplicaLog.ReplicaOpened(store._logger, options.ReplicaPath, store.SiteId, store.Position, migrations);
        return store;
    }

    /// <summary>
    /// Streams every record. The store's gate is held until the enumeration ends, so do not apply
    /// snapshots or changes from inside the loop.
    /// </summary>
    public async IAsyncEnumerable<ReplicaRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT kind, entity_id, door_id, payload, position FROM records ORDER BY kind, entity_id, door_id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new ReplicaRecord(
                    (RecordKind)reader.GetInt32(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3), reader.GetInt64(4));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Reads every record of one kind (through the primary key's kind prefix, not a full scan) with
    /// the <see cref="Position"/> they reflect, e.g. the lab policy's resources, bookings and links.
    /// </summary>
    public async Task<(IReadOnlyList<ReplicaRecord> Records, long Position)> ReadKindAsync(RecordKind kind, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT entity_id, door_id, payload, position FROM records WHERE kind = $kind ORDER BY entity_id, door_id";
            command.Parameters.AddWithValue("$kind", (int)kind);
            using var reader = command.ExecuteReader();
            var records = new List<ReplicaRecord>();
            while (reader.Read())
            {
                records.Add(new ReplicaRecord(kind, reader.GetString(0), reader.GetString(1), (byte[])reader.GetValue(2), reader.GetInt64(3)));
            }

            return (records, Position);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Counts the records (for health and tests).</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (long)SqliteDatabase.Scalar(Connection, "SELECT count(*) FROM records")!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads a pragma of the store's connection (tests check the durability settings).</summary>
    internal object? Pragma(string name) => SqliteDatabase.Scalar(Connection, $"PRAGMA {name}");

    /// <inheritdoc />
    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
        _gate.Dispose();
        _snapshotGate.Dispose();
    }

    private int OpenLive()
    {
        var connection = SqliteDatabase.Open(_options.ReplicaPath, Durability.WalNormal, _options.BusyTimeout);
        try
        {
            var migrations = SqliteDatabase.Migrate(connection, Migrations.Replica);
            var state = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT key, value FROM replica_state";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    state[reader.GetString(0)] = reader.GetString(1);
                }
            }

            SiteId = state.GetValueOrDefault(SiteIdKey, "");
            Position = state.TryGetValue(PositionKey, out var position) ? long.Parse(position, CultureInfo.InvariantCulture) : 0;
            SnapshotAt = ParseTime(state.GetValueOrDefault(SnapshotAtKey));
            LastSyncAt = ParseTime(state.GetValueOrDefault(LastSyncAtKey));
            _connection = connection;
            return migrations;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void SetState(SqliteConnection connection, SqliteTransaction transaction, string key, string value)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO replica_state (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    private static string FormatTime(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(string? value) =>
        value is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(value, CultureInfo.InvariantCulture));
}
