namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>One admin change: who, when, what, and the entity before and after (JSON).</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid? ActorId { get; set; }
    public required string ActorName { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public string? RequestId { get; set; }
}

/// <summary>The stored first answer to a create carrying a client request id.</summary>
public sealed class IdempotencyKey
{
    public Guid ActorId { get; set; }
    public required string RequestId { get; set; }
    public required string Method { get; set; }
    public required byte[] RequestHash { get; set; }
    public required byte[] Response { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>What a hub user may do; higher values include nothing implicitly (see the role matrix).</summary>
public enum UserRole : short
{
    Member = 0,
    Auditor = 1,
    Operator = 2,
    Admin = 3,
}

/// <summary>A person or service that signs in to the hub's API.</summary>
public sealed class User : IVersioned
{
    public Guid Id { get; set; }
    public required string Username { get; set; }
    public required string PasswordHash { get; set; }
    public UserRole Role { get; set; }
    public Guid? PersonId { get; set; }
    public bool Active { get; set; } = true;
    public int FailedLogins { get; set; }
    public DateTimeOffset? FailedWindowStart { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A signed-in session; tokens are stored only as SHA-256 hashes.</summary>
public sealed class Session
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required byte[] AccessHash { get; set; }
    public required byte[] RefreshHash { get; set; }
    public DateTimeOffset AccessExpires { get; set; }
    public DateTimeOffset RefreshExpires { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A refresh token already exchanged; presenting it again revokes its session (reuse detection).</summary>
public sealed class RotatedRefreshToken
{
    public required byte[] RefreshHash { get; set; }
    public Guid SessionId { get; set; }
    public DateTimeOffset RotatedAt { get; set; }
    public DateTimeOffset Expires { get; set; }
}
