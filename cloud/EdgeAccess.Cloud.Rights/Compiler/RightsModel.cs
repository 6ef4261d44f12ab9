using EdgeAccess.Schedules;

namespace EdgeAccess.Cloud.Rights.Compiler;

/// <summary>The slice of the rights model a compile needs, loaded once per compile.</summary>
internal sealed class RightsModel
{
    public Dictionary<Guid, GroupNode> Groups { get; } = [];
    public Dictionary<Guid, List<SchemeInfo>> SchemesByGroup { get; } = [];
    public Dictionary<Guid, DoorInfo> Doors { get; } = [];
    public Dictionary<Guid, PersonInfo> People { get; } = [];

    /// <summary>Bookable resource → the doors its bookings open (only resources these people booked).</summary>
    public Dictionary<Guid, List<Guid>> ResourceDoors { get; } = [];

    private readonly Dictionary<Guid, List<(Guid Group, IReadOnlyList<Guid> Chain)>> _reachable = [];

    /// <summary>The groups a membership of <paramref name="group"/> reaches (cached: the same for everyone).</summary>
    public List<(Guid Group, IReadOnlyList<Guid> Chain)> Reachable(Guid group)
    {
        if (!_reachable.TryGetValue(group, out var reachable))
        {
            reachable = [.. RightsCalculator.ReachableGroups(this, group)];
            _reachable[group] = reachable;
        }

        return reachable;
    }

    public PersonInfo Person(Guid id)
    {
        if (!People.TryGetValue(id, out var person))
        {
            person = new PersonInfo(id);
            People[id] = person;
        }

        return person;
    }
}

internal sealed class GroupNode(Guid id, string name, bool active)
{
    public Guid Id { get; } = id;
    public string Name { get; } = name;
    public bool Active { get; } = active;
    public List<Guid> Parents { get; } = [];
}

internal sealed record SchemeInfo(Guid Id, string Name, Guid GroupId, Guid ScheduleId, bool RequiresPin, ValidityWindow Window)
{
    public List<Guid> Doors { get; } = [];
}

internal readonly record struct DoorInfo(Guid Id, Guid SiteId, string Name, bool RequiresPin);

internal readonly record struct MembershipInfo(Guid GroupId, ValidityWindow Window, string RoleTitle);

internal readonly record struct GrantInfo(Guid Id, Guid DoorId, Guid ScheduleId, bool RequiresPin, ValidityWindow Window);

/// <summary>
/// An active (confirmed or checked-in) booking: it opens its resource's doors for
/// <paramref name="Window"/> = [start − early entry, end + grace] with no schedule restriction.
/// </summary>
internal readonly record struct BookingInfo(Guid Id, Guid ResourceId, string ResourceName, ValidityWindow Window);

internal readonly record struct CardInfo(Guid Id, Guid PersonId, bool Active, ValidityWindow Window);

internal sealed class PersonInfo(Guid id)
{
    public Guid Id { get; } = id;
    public bool Active { get; set; }
    public bool Exists { get; set; }
    public List<MembershipInfo> Memberships { get; } = [];
    public List<GrantInfo> Grants { get; } = [];
    public List<BookingInfo> Bookings { get; } = [];
    public List<CardInfo> Cards { get; } = [];
}
