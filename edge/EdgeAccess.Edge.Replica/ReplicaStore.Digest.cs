using System.Globalization;
using EdgeAccess.Protos.Replication;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.Replica;

public sealed partial class ReplicaStore
{
    /// <summary>
    /// The <see cref="StateDigest"/> of the replica as it is on disk, to compare with the hub's
    /// digest of the site at the same position (issue 4 §6, sync.proto <c>ReplicaDigest</c>): a
    /// mismatch means the file was changed outside the stream.
    /// </summary>
    /// <remarks>
    /// Reads the <c>records</c> table and the stored position directly, never a cache, in one read
    /// transaction under the store's gate, so position and content belong together. The stored
    /// payloads are hashed as they are: every write path stores <c>ToByteArray()</c> of a parsed
    /// record message (<see cref="ReplicaRecord.FromChange"/>), which is the canonical form the hub
    /// hashes, so no parsing is needed here — and any byte changed in the file shows.
    /// </remarks>
    /// <returns>The position read with the records, how many records, and the 32-byte digest.</returns>
    public async Task<(long Position, long Count, byte[] Digest)> ComputeDigestAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Connection;
            // A deferred read transaction: both SELECTs see one WAL snapshot, whatever another
            // connection to the file does meanwhile.
            using var transaction = connection.BeginTransaction(deferred: true);
            long position;
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT value FROM replica_state WHERE key = $key";
                command.Parameters.AddWithValue("$key", PositionKey);
                position = command.ExecuteScalar() is string value ? long.Parse(value, CultureInfo.InvariantCulture) : 0;
            }

            var digest = new StateDigest();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT kind, entity_id, door_id, payload FROM records";
                using var reader = command.ExecuteReader();
                var rows = 0;
                while (reader.Read())
                {
                    if (++rows % 4096 == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    digest.Add((RecordKind)reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3));
                }
            }

            transaction.Commit();
            return (position, digest.Count, digest.ToBytes());
        }
        finally
        {
            _gate.Release();
        }
    }
}
