using System.Diagnostics.Metrics;
using EdgeAccess.Protos.V1;
using Npgsql;

namespace EdgeAccess.Cloud.Nodes.Commands;

/// <summary>
/// The hub → edge command queue (table <c>node_commands</c>). The admin API queues and cancels
/// (<c>NodeCommandStore.Admin.cs</c>); the node's sync stream takes the queued commands
/// (<see cref="PendingAsync"/>), marks each delivered (<see cref="MarkDeliveredAsync"/>) and records
/// the node's <see cref="CommandResult"/> (<see cref="CompleteAsync"/>). Every state change counts
/// on <c>edgeaccess.node.commands</c> (tags <c>edgeaccess.command.kind</c>, <c>edgeaccess.command.state</c>).
/// </summary>
/// <remarks>
/// States: queued → delivered → succeeded | failed; queued → expired | cancelled. A queued command
/// may also complete directly (the node answered one whose delivery mark was lost).
/// </remarks>
internal sealed partial class NodeCommandStore(NpgsqlDataSource dataSource)
{
    /// <summary>The longest result message kept; a longer one is cut.</summary>
    public const int MaxResultMessageLength = 1000;

    private static readonly Counter<long> Commands = CloudTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.node.commands", "{command}", "Node commands entering a state (queued, delivered, succeeded, failed, expired, cancelled), by kind.");

    /// <summary>
    /// The node's queued commands that have not expired, oldest first. Queued commands past their
    /// expiry become expired on the way.
    /// </summary>
    public async Task<IReadOnlyList<NodeCommand>> PendingAsync(string nodeId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var expire = new NpgsqlCommand("""
            UPDATE node_commands SET state = 5, completed_at = $2
            WHERE node_id = $1 AND state = 1 AND expires_at <= $2
            RETURNING kind
            """, connection))
        {
            expire.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
            expire.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            await using var expired = await expire.ExecuteReaderAsync(cancellationToken);
            while (await expired.ReadAsync(cancellationToken))
            {
                Count(expired.GetString(0), NodeCommandState.Expired);
            }
        }

        await using var select = new NpgsqlCommand("""
            SELECT payload FROM node_commands
            WHERE node_id = $1 AND state = 1 AND expires_at > $2
            ORDER BY issued_at, id
            """, connection);
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        select.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        var pending = new List<NodeCommand>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add(NodeCommand.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0)));
        }

        return pending;
    }

    /// <summary>
    /// Marks a queued command delivered. False when it is no longer queued (cancelled or expired
    /// meanwhile, or already delivered): call it before writing the command to the stream and skip
    /// the command on false, so a cancelled door release never goes out.
    /// </summary>
    public async Task<bool> MarkDeliveredAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE node_commands SET state = 2, delivered_at = $2 WHERE id = $1 AND state = 1 AND expires_at > $2 RETURNING kind");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        if (await command.ExecuteScalarAsync(cancellationToken) is not string kind)
        {
            return false;
        }

        Count(kind, NodeCommandState.Delivered);
        return true;
    }

    /// <summary>
    /// Records the node's result of one of its own commands. Ignores an unknown or malformed id,
    /// another node's command and a command already finished (so a re-sent result is harmless).
    /// Returns whether the result was recorded.
    /// </summary>
    public async Task<bool> CompleteAsync(string nodeId, CommandResult result, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(result.CommandId, out var id))
        {
            return false;
        }

        var state = result.Succeeded ? NodeCommandState.Succeeded : NodeCommandState.Failed;
        var message = result.Message.Length > MaxResultMessageLength ? result.Message[..MaxResultMessageLength] : result.Message;
        await using var command = dataSource.CreateCommand("""
            UPDATE node_commands SET state = $3, completed_at = $4, result_message = $5
            WHERE id = $1 AND node_id = $2 AND state IN (1, 2)
            RETURNING kind
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)state });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message });
        if (await command.ExecuteScalarAsync(cancellationToken) is not string kind)
        {
            return false;
        }

        Count(kind, state);
        return true;
    }

    private static void Count(string kind, NodeCommandState state) => Commands.Add(1,
        new KeyValuePair<string, object?>("edgeaccess.command.kind", kind),
        new KeyValuePair<string, object?>("edgeaccess.command.state", NodeCommandRow.Tag(state)));
}
