namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>
/// A command queued for an edge node (table <c>node_commands</c>). Written and read with raw SQL by
/// the hub's command store; mapped here so the model covers the whole schema.
/// </summary>
public sealed class NodeCommandRecord
{
    public Guid Id { get; set; }
    public required string NodeId { get; set; }

    /// <summary><c>unlock_door</c>, <c>lockdown</c> or <c>resync</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>The serialized <c>edgeaccess.v1.NodeCommand</c> as the node receives it.</summary>
    public required byte[] Payload { get; set; }
    public Guid IssuerId { get; set; }
    public required string IssuedBy { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The <c>edgeaccess.v1.NodeCommandState</c> value (1 queued … 6 cancelled).</summary>
    public short State { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? ResultMessage { get; set; }
    public string? RequestId { get; set; }
    public byte[]? RequestHash { get; set; }
}

/// <summary>The node watchdog's open alert of a node (table <c>node_alerts</c>; 0 none, 1 stalled, 2 offline).</summary>
public sealed class NodeAlertRecord
{
    public required string NodeId { get; set; }
    public short Alert { get; set; }
    public DateTimeOffset Since { get; set; }
}
