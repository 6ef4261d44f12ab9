using System.Globalization;
using EdgeAccess.Edge.Replica.Internal;
using EdgeAccess.Protos.V1;
using Microsoft.Data.Sqlite;

namespace EdgeAccess.Edge.Replica;

public sealed partial class ReplicaStore
{
    /// <summary>
    /// Applies feed changes in one transaction that also advances <see cref="Position"/>. Changes at
    /// or below the current position are skipped (a re-sent batch is harmless); the rest must
    /// continue it without holes (<c>Position + 1</c>, <c>+ 2</c>, …) or nothing is applied and a
    /// <see cref="ReplicaGapException"/> is thrown. An empty batch records a sync ("caught up").
    /// </summary>
    /// <returns>How many changes were applied (not skipped).</returns>
    public async Task<int> ApplyChangesAsync(IReadOnlyList<FeedChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Position;
            var next = current + 1;
            var pending = new List<(FeedChange Change, ReplicaRecord? Record)>(changes.Count);
            foreach (var change in changes)
            {
                if (change.Position <= current && pending.Count == 0)
                {
                    continue; // already applied
                }

                if (change.Position != next)
                {
                    throw new ReplicaGapException(next, change.Position);
                }

                if (change.Kind == RecordKind.Unspecified)
                {
                    throw new InvalidDataException($"Feed change at position {change.Position} has no kind.");
                }

                pending.Add((change, change.Deleted ? null : ReplicaRecord.FromChange(change)));
                next++;
            }

            var connection = Connection;
            var now = _timeProvider.GetUtcNow();
            using (var transaction = connection.BeginTransaction())
            {
                using var upsert = Command(connection, transaction, """
                    INSERT INTO records (kind, entity_id, door_id, payload, position) VALUES ($kind, $entity, $door, $payload, $position)
                    ON CONFLICT (kind, entity_id, door_id) DO UPDATE SET payload = excluded.payload, position = excluded.position
                    """);
                using var delete = Command(connection, transaction, "DELETE FROM records WHERE kind = $kind AND entity_id = $entity AND door_id = $door");
                foreach (var (change, record) in pending)
                {
                    var command = record is null ? delete : upsert;
                    command.Parameters["$kind"].Value = (int)change.Kind;
                    command.Parameters["$entity"].Value = change.EntityId;
                    command.Parameters["$door"].Value = ReplicaRecord.KeyDoor(change.Kind, change.DoorId);
                    if (record is not null)
                    {
                        command.Parameters["$payload"].Value = record.Payload;
                        command.Parameters["$position"].Value = change.Position;
                    }

                    command.ExecuteNonQuery();
                }

                SetState(connection, transaction, PositionKey, (next - 1).ToString(CultureInfo.InvariantCulture));
                SetState(connection, transaction, LastSyncAtKey, FormatTime(now));
                transaction.Commit();
            }

            Position = next - 1;
            LastSyncAt = now;
            ReplicaLog.ChangesApplied(_logger, pending.Count, changes.Count - pending.Count, Position);
            return pending.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, type) in new[]
        {
            ("$kind", SqliteType.Integer), ("$entity", SqliteType.Text), ("$door", SqliteType.Text),
            ("$payload", SqliteType.Blob), ("$position", SqliteType.Integer),
        })
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.Parameters.Add(name, type);
            }
        }

        return command;
    }
}
