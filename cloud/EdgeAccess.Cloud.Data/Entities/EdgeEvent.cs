namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>
/// One event of an edge node's journal as the hub stored it (table <c>edge_events</c>, key node id
/// + seq). Written by the hub's journal store with raw SQL; mapped here so the model covers the schema.
/// </summary>
public sealed class EdgeEvent
{
    /// <summary>The node that journaled the event.</summary>
    public required string NodeId { get; set; }

    /// <summary>The node's journal sequence number, from 1.</summary>
    public long Seq { get; set; }

    /// <summary>The node's site when the hub received the event.</summary>
    public Guid SiteId { get; set; }

    /// <summary>The event kind, e.g. <c>door.decision</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>The node's clock when it happened.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The hub's clock when it stored the event.</summary>
    public DateTimeOffset ReceivedAt { get; set; }
    public Guid? DoorId { get; set; }
    public Guid? CardId { get; set; }

    /// <summary>The card's holder when the hub received the event.</summary>
    public Guid? PersonId { get; set; }
    public bool? Granted { get; set; }

    /// <summary>The decision reason, e.g. <c>no_right</c>.</summary>
    public string? Reason { get; set; }

    /// <summary>The kind's message as the node sent it.</summary>
    public required byte[] Payload { get; set; }
}
