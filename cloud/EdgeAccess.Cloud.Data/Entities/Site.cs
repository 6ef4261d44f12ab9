namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>A building or campus with its own edge nodes, time zone and change feed.</summary>
public sealed class Site : IVersioned
{
    public Guid Id { get; set; }
    public required string Name { get; set; }

    /// <summary>IANA time zone id (e.g. <c>Europe/Berlin</c>); schedules are evaluated in it.</summary>
    public required string TimeZone { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Which way a door or access point lets people pass.</summary>
public enum DoorDirection : short
{
    Entry = 0,
    Exit = 1,
    Both = 2,
}

/// <summary>A door, gate or other access point of a site.</summary>
public sealed class Door : IVersioned
{
    public Guid Id { get; set; }
    public Guid SiteId { get; set; }
    public required string Name { get; set; }
    public DoorDirection Direction { get; set; }

    /// <summary>Every passage needs the card's PIN as well, whatever grants it.</summary>
    public bool RequiresPin { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
