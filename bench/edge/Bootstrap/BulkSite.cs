using EdgeAccess.Decisions;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Npgsql;
using NpgsqlTypes;

namespace EdgeAccess.Bench.Edge.Bootstrap;

/// <summary>
/// Fills a site's replicated state directly with binary COPY: what <c>SiteSnapshot</c> reads, card
/// records in <c>replica_records</c> and compiled card × door rights in <c>effective_rights</c>
/// (payload: the <see cref="RightRecord"/> the rights compiler writes), all at the site's head.
/// The site, its doors and schedule come from the admin API, so they are already there.
/// </summary>
internal static class BulkSite
{
    public static async Task<long> LoadAsync(
        NpgsqlDataSource dataSource, Guid siteId, IReadOnlyList<string> doors, string scheduleId, int cards, byte[] key, long position, CancellationToken cancellationToken)
    {
        var hasher = new CardHasher(key);
        var cardIds = new Guid[cards];
        var personIds = new Guid[cards];
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY replica_records (site_id, kind, entity_id, payload, position) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            var hashBytes = new byte[CardHash.Length];
            for (var c = 0; c < cards; c++)
            {
                cardIds[c] = Guid.CreateVersion7();
                personIds[c] = Guid.CreateVersion7();
                var number = (0xB0000000000L + c).ToString("X12", System.Globalization.CultureInfo.InvariantCulture);
                if (!hasher.TryHash(number, out var hash))
                {
                    throw new InvalidOperationException("card number does not hash");
                }

                hash.CopyTo(hashBytes);
                var record = new CardRecord
                {
                    Id = cardIds[c].ToString(), PersonId = personIds[c].ToString(), NumberHash = ByteString.CopyFrom(hashBytes),
                    LastDigits = number[^4..], Status = CardStatus.Active,
                };
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(siteId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync((short)RecordKind.Card, NpgsqlDbType.Smallint, cancellationToken);
                await copy.WriteAsync(cardIds[c], NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(record.ToByteArray(), NpgsqlDbType.Bytea, cancellationToken);
                await copy.WriteAsync(position, NpgsqlDbType.Bigint, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        long rights = 0;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY effective_rights (site_id, card_id, door_id, person_id, terms, position) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            var right = new RightRecord();
            right.Terms.Add(new RightTerm { ScheduleId = scheduleId });
            var doorGuids = doors.Select(Guid.Parse).ToArray();
            for (var c = 0; c < cards; c++)
            {
                right.CardId = cardIds[c].ToString();
                right.PersonId = personIds[c].ToString();
                for (var d = 0; d < doors.Count; d++)
                {
                    right.DoorId = doors[d];
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(siteId, NpgsqlDbType.Uuid, cancellationToken);
                    await copy.WriteAsync(cardIds[c], NpgsqlDbType.Uuid, cancellationToken);
                    await copy.WriteAsync(doorGuids[d], NpgsqlDbType.Uuid, cancellationToken);
                    await copy.WriteAsync(personIds[c], NpgsqlDbType.Uuid, cancellationToken);
                    await copy.WriteAsync(right.ToByteArray(), NpgsqlDbType.Bytea, cancellationToken);
                    await copy.WriteAsync(position, NpgsqlDbType.Bigint, cancellationToken);
                    rights++;
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE replica_records; ANALYZE effective_rights", connection))
        {
            analyze.CommandTimeout = 300;
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        return rights;
    }
}
