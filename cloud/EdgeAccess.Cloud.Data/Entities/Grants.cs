namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>Grants a group (and every group nested in it) a set of doors on a schedule.</summary>
public sealed class AccessScheme : IVersioned
{
    public Guid Id { get; set; }
    public Guid SiteId { get; set; }
    public Guid GroupId { get; set; }
    public Guid ScheduleId { get; set; }
    public required string Name { get; set; }
    public bool RequiresPin { get; set; }
    public DateTimeOffset? ValidFrom { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<AccessSchemeDoor> Doors { get; set; } = [];
}

/// <summary>A door covered by an access scheme.</summary>
public sealed class AccessSchemeDoor
{
    public Guid SchemeId { get; set; }
    public Guid DoorId { get; set; }
}

/// <summary>A door granted to one person directly, outside any group.</summary>
public sealed class DirectGrant : IVersioned
{
    public Guid Id { get; set; }
    public Guid PersonId { get; set; }
    public Guid DoorId { get; set; }
    public Guid ScheduleId { get; set; }
    public bool RequiresPin { get; set; }
    public DateTimeOffset? ValidFrom { get; set; }
    public DateTimeOffset? ValidTo { get; set; }
    public string Reason { get; set; } = "";
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
