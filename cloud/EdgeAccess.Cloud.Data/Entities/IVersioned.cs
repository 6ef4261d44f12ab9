namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>
/// An entity with an optimistic-concurrency version (its etag) and change timestamps. The version
/// is bumped on every update by <see cref="HubDbContext"/>; a stale version fails the update.
/// </summary>
public interface IVersioned
{
    /// <summary>Incremented on every update; the admin API exposes it as the etag.</summary>
    long Version { get; set; }

    /// <summary>When the entity was created.</summary>
    DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the entity was last changed.</summary>
    DateTimeOffset UpdatedAt { get; set; }
}
