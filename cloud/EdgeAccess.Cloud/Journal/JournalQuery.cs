using System.Globalization;
using System.Text;
using EdgeAccess.Protos.V1;
using Npgsql;
using NpgsqlTypes;

namespace EdgeAccess.Cloud.Journal;

/// <summary>The checked filters of a <c>ListEvents</c> request.</summary>
internal sealed record JournalFilter(
    DateTimeOffset? From, DateTimeOffset? To, Guid? SiteId, string? NodeId, Guid? DoorId, Guid? PersonId, Guid? CardId, string? Kind, EventResult Result)
{
    /// <summary>What a page token is bound to.</summary>
    public string Fingerprint => string.Create(CultureInfo.InvariantCulture, $"journal|{From:O}|{To:O}|{SiteId}|{NodeId}|{DoorId}|{PersonId}|{CardId}|{Kind}|{(int)Result}");
}

/// <summary>
/// Reads one page of <c>edge_events</c>, newest first on the keyset (occurred_at, node_id, seq),
/// with a row comparison for the page boundary so each filter's index (migration 0006) is scanned
/// backwards from the boundary without a sort. Payloads are fetched only for kinds the API decodes.
/// </summary>
internal sealed class JournalQuery(NpgsqlDataSource dataSource)
{
    /// <summary>Up to <paramref name="limit"/> events matching <paramref name="filter"/> below <paramref name="before"/>.</summary>
    public async Task<List<EdgeEvent>> ReadAsync(JournalFilter filter, JournalKey? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var where = new List<string>();
        void Add<T>(string column, T? value, NpgsqlDbType type, string op = "=")
        {
            if (value is not null)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
                where.Add($"{column} {op} ${command.Parameters.Count}");
            }
        }

        Add("occurred_at", filter.From, NpgsqlDbType.TimestampTz, ">=");
        Add("occurred_at", filter.To, NpgsqlDbType.TimestampTz, "<");
        Add("site_id", filter.SiteId, NpgsqlDbType.Uuid);
        Add("node_id", filter.NodeId, NpgsqlDbType.Text);
        Add("door_id", filter.DoorId, NpgsqlDbType.Uuid);
        Add("person_id", filter.PersonId, NpgsqlDbType.Uuid);
        Add("card_id", filter.CardId, NpgsqlDbType.Uuid);
        Add("kind", filter.Kind, NpgsqlDbType.Text);

        // Literals, not parameters, so the planner can match the partial index on denials.
        if (filter.Result != EventResult.Unspecified)
        {
            where.Add(filter.Result == EventResult.Granted ? "granted = true" : "granted = false");
        }

        if (before is { } key)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = key.OccurredAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = key.NodeId, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = key.Seq, NpgsqlDbType = NpgsqlDbType.Bigint });
            var n = command.Parameters.Count;
            where.Add($"(occurred_at, node_id, seq) < (${n - 2}, ${n - 1}, ${n})");
        }

        command.Parameters.Add(new NpgsqlParameter { Value = JournalKinds.Decoded.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var decoded = command.Parameters.Count;
        command.Parameters.Add(new NpgsqlParameter { Value = limit, NpgsqlDbType = NpgsqlDbType.Integer });
        var sql = new StringBuilder($"""
            SELECT node_id, seq, site_id, kind, occurred_at, received_at, door_id, card_id, person_id, granted, reason,
                   CASE WHEN kind = ANY(${decoded}) THEN payload END, octet_length(payload)
            FROM edge_events
            """);
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY occurred_at DESC, node_id DESC, seq DESC LIMIT ${command.Parameters.Count}");
        command.CommandText = sql.ToString();

        var events = new List<EdgeEvent>(Math.Min(limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(Read(reader));
        }

        return events;
    }

    /// <summary>The keyset position of an event this query returned.</summary>
    public static JournalKey KeyOf(EdgeEvent e) => new(e.OccurTime.ToDateTimeOffset(), e.NodeId, e.Seq);

    private static EdgeEvent Read(NpgsqlDataReader reader)
    {
        var kind = reader.GetString(3);
        var e = new EdgeEvent
        {
            NodeId = reader.GetString(0),
            Seq = reader.GetInt64(1),
            SiteId = reader.GetGuid(2).ToString(),
            Kind = kind,
            OccurTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(4)),
            ReceiveTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(5)),
            DoorId = reader.IsDBNull(6) ? "" : reader.GetGuid(6).ToString(),
            CardId = reader.IsDBNull(7) ? "" : reader.GetGuid(7).ToString(),
            PersonId = reader.IsDBNull(8) ? "" : reader.GetGuid(8).ToString(),
            Reason = reader.IsDBNull(10) ? "" : reader.GetString(10),
            Details = JournalKinds.Details(kind, reader.IsDBNull(11) ? null : reader.GetFieldValue<byte[]>(11), reader.GetInt32(12)),
        };
        if (!reader.IsDBNull(9))
        {
            e.Granted = reader.GetBoolean(9);
        }

        return e;
    }
}
