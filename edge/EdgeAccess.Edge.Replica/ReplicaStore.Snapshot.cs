using System.Globalization;
using EdgeAccess.Edge.Replica.Internal;

namespace EdgeAccess.Edge.Replica;

/// <summary>Points of a snapshot apply where a crash test may stop the process.</summary>
internal enum SnapshotPhase
{
    /// <summary>The new file is written and fsynced; the live replica is untouched.</summary>
    IncomingSynced,

    /// <summary>The live replica is checkpointed and closed, its -wal/-shm removed; not yet replaced.</summary>
    LiveClosed,

    /// <summary>The new file has replaced the live one; the directory is not yet fsynced.</summary>
    Moved,
}

public sealed partial class ReplicaStore
{
    /// <summary>Test hook called at each <see cref="SnapshotPhase"/>.</summary>
    internal Func<SnapshotPhase, Task>? SnapshotPhaseHook { get; set; }

    /// <summary>
    /// Replaces the whole replica with a snapshot of <paramref name="siteId"/> at
    /// <paramref name="position"/>. The records are written to a new file
    /// (<c>replica.db.incoming</c>), which is fsynced and then renamed over <c>replica.db</c>
    /// (atomic on POSIX), followed by an fsync of the directory. A crash at any point leaves either
    /// the previous replica or the new one, each whole; a leftover incoming file is discarded at
    /// the next <see cref="Open"/>.
    /// </summary>
    /// <returns>How many records the snapshot held.</returns>
    public async Task<long> ApplySnapshotAsync(
        IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> chunks, long position, string siteId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentException.ThrowIfNullOrEmpty(siteId);
        await _snapshotGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var count = await WriteIncomingAsync(chunks, position, siteId, cancellationToken).ConfigureAwait(false);
            await PhaseAsync(SnapshotPhase.IncomingSynced).ConfigureAwait(false);
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await SwapAsync().ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }

            ReplicaLog.SnapshotApplied(_logger, siteId, position, count);
            return count;
        }
        finally
        {
            // Gone after a successful swap; otherwise an abandoned attempt.
            SqliteDatabase.DeleteFiles(IncomingPath);
            _snapshotGate.Release();
        }
    }

    private async Task<long> WriteIncomingAsync(
        IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> chunks, long position, string siteId, CancellationToken cancellationToken)
    {
        SqliteDatabase.DeleteFiles(IncomingPath);
        long count = 0;
        // A scratch file: rollback journal and no syncs while loading (nobody reads it until the
        // single fsync below, and a crash only leaves garbage that Open discards).
        using (var connection = SqliteDatabase.Open(IncomingPath, Durability.Scratch, _options.BusyTimeout))
        {
            SqliteDatabase.Migrate(connection, Migrations.Replica);
            using var transaction = connection.BeginTransaction();
            using var insert = Command(connection, transaction,
                "INSERT INTO records (kind, entity_id, door_id, payload, position) VALUES ($kind, $entity, $door, $payload, $position)");
            await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                foreach (var record in chunk)
                {
                    insert.Parameters["$kind"].Value = (int)record.Kind;
                    insert.Parameters["$entity"].Value = record.EntityId;
                    insert.Parameters["$door"].Value = ReplicaRecord.KeyDoor(record.Kind, record.DoorId);
                    insert.Parameters["$payload"].Value = record.Payload;
                    insert.Parameters["$position"].Value = record.Position is > 0 and var p && p <= position ? p : position;
                    insert.ExecuteNonQuery();
                    count++;
                }
            }

            var now = FormatTime(_timeProvider.GetUtcNow());
            SetState(connection, transaction, SiteIdKey, siteId);
            SetState(connection, transaction, PositionKey, position.ToString(CultureInfo.InvariantCulture));
            SetState(connection, transaction, SnapshotAtKey, now);
            SetState(connection, transaction, LastSyncAtKey, now);
            transaction.Commit();
            // The new file will be opened in WAL mode; the setting is persistent in the file.
            SqliteDatabase.Execute(connection, "PRAGMA journal_mode=WAL");
            SqliteDatabase.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        }

        // Closed (no pool), so its -wal is checkpointed and removed: the file alone is the replica.
        FileSync.File(IncomingPath);
        return count;
    }

    private async Task SwapAsync()
    {
        var live = _options.ReplicaPath;
        try
        {
            // Fold the WAL into the file (fsynced by the checkpoint) so that deleting -wal and -shm
            // loses nothing: a stale WAL must never meet the new file, SQLite would replay it there.
            SqliteDatabase.Execute(Connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            _connection!.Dispose();
            _connection = null;
            File.Delete(live + "-wal");
            File.Delete(live + "-shm");
            await PhaseAsync(SnapshotPhase.LiveClosed).ConfigureAwait(false);

            // rename(2): atomic replacement; the directory fsync makes it survive power loss.
            File.Move(IncomingPath, live, overwrite: true);
            await PhaseAsync(SnapshotPhase.Moved).ConfigureAwait(false);
            FileSync.Directory(Path.GetDirectoryName(Path.GetFullPath(live))!);
        }
        finally
        {
            // Reopen whichever file is now in place (the new one, or the old after a failure).
            if (_connection is null)
            {
                OpenLive();
            }
        }
    }

    private Task PhaseAsync(SnapshotPhase phase) => SnapshotPhaseHook?.Invoke(phase) ?? Task.CompletedTask;
}
