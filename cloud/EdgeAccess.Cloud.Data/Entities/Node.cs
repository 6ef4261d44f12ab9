namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>Where an edge node is in its life: waiting for enrollment, active, or cut off.</summary>
public enum NodeStatus : short
{
    /// <summary>Created (or re-issued a code); waits for its one-time enrollment.</summary>
    Pending = 0,

    /// <summary>Enrolled; authenticates with its node token.</summary>
    Active = 1,

    /// <summary>Revoked by an admin; every credential is refused.</summary>
    Revoked = 2,
}

/// <summary>
/// An edge node of a site (table <c>nodes</c>). Only SHA-256 hashes of its enrollment code and
/// tokens are kept; the audit trail records whether they are set, never their bytes.
/// </summary>
public sealed class Node : IVersioned
{
    /// <summary>The node id: lowercase letters, digits and '-', 3 to 63 characters.</summary>
    public required string Id { get; set; }
    public Guid SiteId { get; set; }
    public string? Description { get; set; }
    public NodeStatus Status { get; set; }
    public byte[]? EnrollmentCodeHash { get; set; }
    public DateTimeOffset? EnrollmentExpires { get; set; }
    public byte[]? TokenHash { get; set; }
    public DateTimeOffset? TokenIssuedAt { get; set; }

    /// <summary>The token before the last rotation, accepted until <see cref="PreviousExpires"/>.</summary>
    public byte[]? PreviousTokenHash { get; set; }
    public DateTimeOffset? PreviousExpires { get; set; }
    public DateTimeOffset? EnrolledAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastSeenAt { get; set; }

    /// <summary>Consecutive failed enrollments (reset by a success or a new code).</summary>
    public int FailedEnrollments { get; set; }
    public DateTimeOffset? EnrollmentLockedUntil { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Where an edge node's replica stands as it acknowledged on its sync stream (table <c>node_sync</c>).</summary>
public sealed class NodeSync
{
    /// <summary>The node id.</summary>
    public required string NodeId { get; set; }

    /// <summary>The last feed position the node acknowledged; only moves forward.</summary>
    public long AckedPosition { get; set; }

    /// <summary>True while a hub instance holds the node's sync stream.</summary>
    public bool Connected { get; set; }
    public DateTimeOffset? LastSeenAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When <see cref="AckedPosition"/> last moved forward.</summary>
    public DateTimeOffset? LastAckAt { get; set; }

    /// <summary>When the node's current (or last) stream opened.</summary>
    public DateTimeOffset? ConnectedAt { get; set; }
}
