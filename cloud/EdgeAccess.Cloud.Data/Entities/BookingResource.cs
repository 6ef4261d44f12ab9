namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>What a bookable resource is.</summary>
public enum BookingResourceKind : short
{
    LabInstallation = 1,
    Room = 2,
    Device = 3,
}

/// <summary>
/// A bookable resource of a site: a lab installation, room or device, with the doors it opens, the
/// edge node that runs it and the control programs it covers. Its rules are a <see cref="BookingRules"/> row.
/// </summary>
public sealed class BookingResource : IVersioned
{
    public Guid Id { get; set; }
    public Guid SiteId { get; set; }
    public BookingResourceKind Kind { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";

    /// <summary>People it holds; a booking always takes the whole resource.</summary>
    public int Capacity { get; set; } = 1;

    /// <summary>The edge node (lab server) that runs it, if any.</summary>
    public string? NodeId { get; set; }

    /// <summary>JSON array of executable paths or patterns (used by the lab-process policy).</summary>
    public string ControlPrograms { get; set; } = "[]";

    /// <summary>The lab-process policy its node applies to the control programs (0011_lab_policy.sql).</summary>
    public LabMode LabMode { get; set; }

    /// <summary>Seconds before a booking's end the user is warned; 0: the default (300).</summary>
    public int LabWarningSeconds { get; set; }

    /// <summary>Seconds after the end (or after warning an unbooked run) before programs stop; 0: the default (60).</summary>
    public int LabGraceSeconds { get; set; }

    /// <summary>Seconds between checks on the node, 1..5; 0: the default (5).</summary>
    public int LabIntervalSeconds { get; set; }

    /// <summary>OS account names the policy never touches (root always is exempt).</summary>
    public string[] LabExemptAccounts { get; set; } = [];

    /// <summary>The OS group grant/revoke commands put bookers in; empty: no commands.</summary>
    public string LabOsGroup { get; set; } = "";

    /// <summary>Set while its node holds it in maintenance after repeated grant/revoke failures.</summary>
    public DateTimeOffset? MaintenanceSince { get; set; }
    public string? MaintenanceReason { get; set; }
    public string? MaintenanceNode { get; set; }
    public bool Active { get; set; } = true;
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<BookingResourceDoor> Doors { get; set; } = [];
}

/// <summary>What a lab server does with a resource's control programs (replica.proto LabPolicyMode).</summary>
public enum LabMode : short
{
    Off = 0,
    Monitor = 1,
    Enforce = 2,
}

/// <summary>A door a resource's booking opens.</summary>
public sealed class BookingResourceDoor
{
    public Guid ResourceId { get; set; }
    public Guid DoorId { get; set; }
}

/// <summary>A window in which a resource cannot be booked (maintenance, events).</summary>
public sealed class BookingBlackout : IVersioned
{
    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public string Reason { get; set; } = "";
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
