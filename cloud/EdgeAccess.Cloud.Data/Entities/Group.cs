namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>
/// A group of people. Groups nest: the members of a child group are members of its parents. An
/// inactive group grants nothing and passes nothing on to its parents.
/// </summary>
public sealed class Group : IVersioned
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public bool Active { get; set; } = true;
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary><see cref="ChildId"/> is nested inside <see cref="ParentId"/>.</summary>
public sealed class GroupNesting
{
    public Guid ParentId { get; set; }
    public Guid ChildId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A person's membership of a group, valid for a window, with a role title.</summary>
public sealed class Membership : IVersioned
{
    public Guid Id { get; set; }
    public Guid PersonId { get; set; }
    public Guid GroupId { get; set; }
    public string RoleTitle { get; set; } = "";
    public DateTimeOffset? ValidFrom { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
