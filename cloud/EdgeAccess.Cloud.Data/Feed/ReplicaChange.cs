using EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Data.Feed;

/// <summary>
/// One change to a site's replicated state: a record upserted (with its new bytes) or deleted.
/// For a right, <see cref="EntityId"/> is the card, <see cref="DoorId"/> the door and
/// <see cref="PersonId"/> the card's holder.
/// </summary>
public readonly record struct ReplicaChange(
    Guid SiteId,
    RecordKind Kind,
    Guid EntityId,
    Guid? DoorId,
    byte[]? Payload,
    Guid? PersonId = null)
{
    /// <summary>The record was removed from the site's state.</summary>
    public bool Deleted => Payload is null;
}

/// <summary>Where a site's feed stood after an append: its first and last new positions.</summary>
public readonly record struct AppendedRange(Guid SiteId, long First, long Last)
{
    /// <summary>How many entries were appended.</summary>
    public long Count => Last - First + 1;
}
