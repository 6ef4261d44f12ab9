using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Protos.V1;
using Npgsql;

namespace EdgeAccess.Cloud.Nodes.Commands;

/// <summary>A stored <c>node_commands</c> row (state as stored: <see cref="NodeCommandState"/> values).</summary>
internal sealed record NodeCommandRow(
    Guid Id,
    string NodeId,
    byte[] Payload,
    NodeCommandState State,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? CompletedAt,
    string? ResultMessage)
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = "id, node_id, payload, state, expires_at, delivered_at, completed_at, result_message";

    /// <summary>The kind column's value of a command.</summary>
    public static string Kind(NodeCommand command) => command.CommandCase switch
    {
        NodeCommand.CommandOneofCase.UnlockDoor => "unlock_door",
        NodeCommand.CommandOneofCase.Lockdown => "lockdown",
        NodeCommand.CommandOneofCase.Resync => "resync",
        _ => throw new ArgumentException("the command has no kind", nameof(command)),
    };

    /// <summary>The metric tag of a state.</summary>
    public static string Tag(NodeCommandState state) => state switch
    {
        NodeCommandState.Queued => "queued",
        NodeCommandState.Delivered => "delivered",
        NodeCommandState.Succeeded => "succeeded",
        NodeCommandState.Failed => "failed",
        NodeCommandState.Expired => "expired",
        NodeCommandState.Cancelled => "cancelled",
        _ => "unspecified",
    };

    /// <summary>Reads the row at the reader's position (columns as in <see cref="Columns"/>).</summary>
    public static NodeCommandRow Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetFieldValue<byte[]>(2),
        (NodeCommandState)reader.GetInt16(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetString(7));

    /// <summary>
    /// The API form. A queued command past its expiry shows as expired even before a stream
    /// marked it so.
    /// </summary>
    public NodeCommandStatus ToProto(DateTimeOffset now) => new()
    {
        Command = NodeCommand.Parser.ParseFrom(Payload),
        NodeId = NodeId,
        State = State == NodeCommandState.Queued && ExpiresAt <= now ? NodeCommandState.Expired : State,
        DeliverTime = AdminFields.ToTimestamp(DeliveredAt),
        CompleteTime = AdminFields.ToTimestamp(CompletedAt),
        ResultMessage = ResultMessage ?? "",
    };
}
