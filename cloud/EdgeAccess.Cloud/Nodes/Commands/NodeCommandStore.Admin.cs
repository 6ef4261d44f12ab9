using System.Text.Json;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Npgsql;
using NpgsqlTypes;

namespace EdgeAccess.Cloud.Nodes.Commands;

internal sealed partial class NodeCommandStore
{
    /// <summary>The audit trail's entity type of a command.</summary>
    public const string AuditEntityType = "NodeCommand";

    private const string NodeKind = "node";

    /// <summary>
    /// Queues <paramref name="command"/> (id, times, issuer and oneof filled in) for the node, audits
    /// it and notifies <see cref="CommandNotifier.Channel"/>, in one transaction. With a request id,
    /// an earlier command of the same caller and request id is answered instead (ALREADY_EXISTS if
    /// <paramref name="requestHash"/> differs). Checks, under a share lock of the node row so a
    /// concurrent revocation is ordered: the node exists (NOT_FOUND) and is not revoked, and an
    /// unlocked door exists (NOT_FOUND) on the node's site (FAILED_PRECONDITION).
    /// </summary>
    public async Task<NodeCommandRow> QueueAsync(
        string nodeId, NodeCommand command, Caller caller, string? requestId, byte[]? requestHash, CancellationToken cancellationToken)
    {
        // A concurrent retry with the same request id may win the unique index: then answer its command.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryQueueAsync(nodeId, command, caller, requestId, requestHash, cancellationToken);
            }
            catch (PostgresException ex) when (attempt == 1 && ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "node_commands_request_key" })
            {
            }
        }
    }

    /// <summary>The node's commands, newest first, optionally in one (effective) state; keyset by id.</summary>
    public async Task<List<NodeCommandRow>> ListAsync(string nodeId, NodeCommandState? state, Guid? before, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {NodeCommandRow.Columns} FROM node_commands
            WHERE node_id = $1 AND ($2::uuid IS NULL OR id < $2)
              AND ($3::smallint IS NULL OR (CASE WHEN state = 1 AND expires_at <= $4 THEN 5 ELSE state END) = $3)
            ORDER BY id DESC LIMIT $5
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = state is { } s ? (short)s : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var rows = new List<NodeCommandRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(NodeCommandRow.Read(reader));
        }

        return rows;
    }

    /// <summary>
    /// Cancels a queued command of the node (audited). A cancelled one is answered as it is;
    /// NOT_FOUND for an unknown id (or another node's), FAILED_PRECONDITION once it left the queue.
    /// </summary>
    public async Task<NodeCommandRow> CancelAsync(string nodeId, Guid id, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await FindAsync(connection, "id = $1 AND node_id = $2 FOR UPDATE", [id, nodeId], cancellationToken)
            ?? throw ApiErrors.NotFound("command", id);
        if (row.State == NodeCommandState.Cancelled)
        {
            return row;
        }

        var expired = row.State == NodeCommandState.Queued && row.ExpiresAt <= now;
        if (row.State != NodeCommandState.Queued || expired)
        {
            var state = expired ? "expired" : NodeCommandRow.Tag(row.State);
            throw ApiErrors.FailedPrecondition($"command {id} is already {state}; only a queued command can be cancelled");
        }

        await using (var update = new NpgsqlCommand("UPDATE node_commands SET state = 6, completed_at = $2 WHERE id = $1", connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        var kind = NodeCommandRow.Kind(NodeCommand.Parser.ParseFrom(row.Payload));
        await AuditAsync(connection, transaction, caller, "update", id, now, null,
            Json(new() { ["state"] = "queued" }), Json(new() { ["state"] = "cancelled", ["completed_at"] = now }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Count(kind, NodeCommandState.Cancelled);
        return row with { State = NodeCommandState.Cancelled, CompletedAt = now };
    }

    private async Task<NodeCommandRow> TryQueueAsync(
        string nodeId, NodeCommand command, Caller caller, string? requestId, byte[]? requestHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (requestId is not null && await FindRequestAsync(connection, caller.UserId, requestId, requestHash, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var siteId = await NodeSiteAsync(connection, nodeId, cancellationToken);
        if (command.CommandCase == NodeCommand.CommandOneofCase.UnlockDoor)
        {
            await CheckDoorAsync(connection, nodeId, siteId, command.UnlockDoor.DoorId, cancellationToken);
        }

        var id = Guid.Parse(command.Id);
        var kind = NodeCommandRow.Kind(command);
        var issuedAt = command.IssueTime.ToDateTimeOffset();
        var expiresAt = command.ExpireTime.ToDateTimeOffset();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO node_commands (id, node_id, kind, payload, issuer_id, issued_by, issued_at, expires_at, state, request_id, request_hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = command.ToByteArray() });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = command.IssuedBy });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = issuedAt });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expiresAt });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)requestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)requestHash ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var after = Json(new()
        {
            ["id"] = id,
            ["node_id"] = nodeId,
            ["kind"] = kind,
            ["state"] = "queued",
            ["issued_at"] = issuedAt,
            ["expires_at"] = expiresAt,
            ["command"] = JsonDocument.Parse(JsonFormatter.Default.Format(command)).RootElement,
        });
        await AuditAsync(connection, transaction, caller, "create", id, issuedAt, requestId, null, after, cancellationToken);

        // Delivered by PostgreSQL at commit, to every hub instance's CommandNotifier.
        await using (var notify = new NpgsqlCommand($"SELECT pg_notify('{CommandNotifier.Channel}', $1)", connection, transaction))
        {
            notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Count(kind, NodeCommandState.Queued);
        return new NodeCommandRow(id, nodeId, command.ToByteArray(), NodeCommandState.Queued, expiresAt, null, null, null);
    }

    private static async Task<NodeCommandRow?> FindRequestAsync(NpgsqlConnection connection, Guid issuerId, string requestId, byte[]? requestHash, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {NodeCommandRow.Columns}, request_hash FROM node_commands WHERE issuer_id = $1 AND request_id = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = issuerId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = requestId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var stored = reader.IsDBNull(8) ? [] : reader.GetFieldValue<byte[]>(8);
        return requestHash is not null && stored.AsSpan().SequenceEqual(requestHash)
            ? NodeCommandRow.Read(reader)
            : throw ApiErrors.AlreadyExists($"request_id {requestId} was already used for a different request");
    }

    private static async Task<Guid> NodeSiteAsync(NpgsqlConnection connection, string nodeId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT site_id, status FROM nodes WHERE id = $1 FOR SHARE", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw ApiErrors.NotFound(NodeKind, nodeId);
        }

        return reader.GetInt16(1) == (short)Data.Entities.NodeStatus.Revoked
            ? throw ApiErrors.FailedPrecondition($"node {nodeId} is revoked; it accepts no commands")
            : reader.GetGuid(0);
    }

    private static async Task CheckDoorAsync(NpgsqlConnection connection, string nodeId, Guid siteId, string doorId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT site_id FROM doors WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.Parse(doorId) });
        var doorSite = await command.ExecuteScalarAsync(cancellationToken) as Guid?
            ?? throw ApiErrors.NotFound("door", doorId);
        if (doorSite != siteId)
        {
            throw ApiErrors.FailedPrecondition($"door {doorId} is on site {doorSite}, not on site {siteId} of node {nodeId}; a node can only unlock its own site's doors");
        }
    }

    private static async Task<NodeCommandRow?> FindAsync(NpgsqlConnection connection, string where, object[] values, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {NodeCommandRow.Columns} FROM node_commands WHERE {where}", connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? NodeCommandRow.Read(reader) : null;
    }

    /// <summary>
    /// Writes the audit row of a command change the way <c>HubChanges</c> writes entity changes
    /// (commands are not EF entities): same table, JSON snapshots with snake_case keys.
    /// </summary>
    private static async Task AuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Caller caller, string action, Guid id, DateTimeOffset at,
        string? requestId, string? before, string? after, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO audit_entries (at, actor_id, actor_name, action, entity_type, entity_id, before, after, request_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.Username });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = action });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = AuditEntityType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)requestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Json(SortedDictionary<string, object?> values) => JsonSerializer.Serialize(values);
}
