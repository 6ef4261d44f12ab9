namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>Someone who may hold cards and rights.</summary>
public sealed class Person : IVersioned
{
    public Guid Id { get; set; }
    public required string DisplayName { get; set; }
    public string? Email { get; set; }

    /// <summary>The key of an outside system (HR, student registry); CSV import matches on it.</summary>
    public string? ExternalId { get; set; }

    /// <summary>An inactive person keeps their data but holds no rights.</summary>
    public bool Active { get; set; } = true;
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Card lifecycle state; only <see cref="Active"/> cards hold rights.</summary>
public enum CardStatus : short
{
    Active = 0,
    Blocked = 1,
    Lost = 2,
}

/// <summary>
/// A credential. The number is kept only as a keyed hash (HMAC-SHA256 with the deployment secret)
/// plus its last digits for display; the PIN only as a password hash.
/// </summary>
public sealed class Card : IVersioned
{
    public Guid Id { get; set; }
    public Guid PersonId { get; set; }
    public required byte[] NumberHash { get; set; }
    public required string LastDigits { get; set; }
    public CardStatus Status { get; set; }
    public DateTimeOffset? ValidFrom { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public string? PinHash { get; set; }

    /// <summary>Still admitted by an edge whose offline lease has run out (degraded policy).</summary>
    public bool AllowWhenDegraded { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
