namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>The kinds of record an edge replicates; stored as <c>smallint</c>.</summary>
public enum RecordKind : short
{
    Site = 1,
    Door = 2,
    Card = 3,
    Schedule = 4,
    Right = 5,
    Resource = 6,
    Booking = 7,
    NodeAccount = 8,
}

/// <summary>One compiled card × door right (terms are a protobuf <c>RightTerms</c>).</summary>
public sealed class EffectiveRight
{
    public Guid SiteId { get; set; }
    public Guid CardId { get; set; }
    public Guid DoorId { get; set; }
    public Guid PersonId { get; set; }
    public required byte[] Terms { get; set; }
    public long Position { get; set; }
}

/// <summary>The replicated form of a site, door, card or schedule, as the edge stores it.</summary>
public sealed class ReplicaRecord
{
    public Guid SiteId { get; set; }
    public RecordKind Kind { get; set; }
    public Guid EntityId { get; set; }
    public required byte[] Payload { get; set; }
    public long Position { get; set; }
}

/// <summary>A site's feed head (last position) and compaction horizon.</summary>
public sealed class FeedHead
{
    public Guid SiteId { get; set; }
    public long Head { get; set; }
    public long Horizon { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One change in a site's feed.</summary>
public sealed class FeedEntry
{
    public Guid SiteId { get; set; }
    public long Position { get; set; }
    public RecordKind Kind { get; set; }
    public Guid EntityId { get; set; }
    public Guid? DoorId { get; set; }
    public bool Deleted { get; set; }
    public byte[]? Payload { get; set; }

    /// <summary>
    /// The appending transaction's id (<c>xid8</c>), kept for diagnosis: ids are assigned when a
    /// transaction starts writing, so they need not follow commit (and position) order.
    /// </summary>
    public ulong Txid { get; set; }
    public DateTimeOffset CommittedAt { get; set; }
}
