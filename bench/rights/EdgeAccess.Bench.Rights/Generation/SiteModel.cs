namespace EdgeAccess.Bench.Rights.Generation;

/// <summary>
/// A generated site, held as arrays of small structs (indexes, not references) so that 100k people
/// and 150k cards cost a few tens of MB. Entities refer to each other by index into these arrays.
/// </summary>
internal sealed class SiteModel
{
    public required Guid SiteId { get; init; }
    public required string SiteName { get; init; }
    public required string TimeZone { get; init; }
    public required DoorSpec[] Doors { get; init; }
    public required ScheduleSpec[] Schedules { get; init; }
    public required Guid CalendarId { get; init; }
    public required DateOnly[] Holidays { get; init; }
    public required GroupSpec[] Groups { get; init; }
    public required PersonSpec[] People { get; init; }
    public required CardSpec[] Cards { get; init; }
    public required MembershipSpec[] Memberships { get; init; }
    public required SchemeSpec[] Schemes { get; init; }
    public required GrantSpec[] Grants { get; init; }

    /// <summary>The instant the model is relative to (validity windows are around it).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Group index → indexes of its child groups.</summary>
    public List<int>[] Children()
    {
        var children = Groups.Select(_ => new List<int>()).ToArray();
        for (var g = 0; g < Groups.Length; g++)
        {
            if (Groups[g].Parent >= 0)
            {
                children[Groups[g].Parent].Add(g);
            }
        }

        return children;
    }
}

internal readonly record struct DoorSpec(Guid Id, string Name, bool RequiresPin);

internal readonly record struct ScheduleSpec(Guid Id, string Name, string Definition, bool UsesCalendar);

/// <summary>A group of the forest: <see cref="Parent"/> is -1 for a root; <see cref="Level"/> 0 is a root.</summary>
internal readonly record struct GroupSpec(Guid Id, string Name, int Tree, int Level, int Parent, bool Active);

internal readonly record struct PersonSpec(Guid Id, bool Active);

internal readonly record struct CardSpec(Guid Id, int Person, short Status, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, byte[] NumberHash, string LastDigits);

internal readonly record struct MembershipSpec(Guid Id, int Person, int Group, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, string RoleTitle);

internal readonly record struct SchemeSpec(Guid Id, string Name, int Group, int Schedule, bool RequiresPin, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, int[] Doors);

internal readonly record struct GrantSpec(Guid Id, int Person, int Door, int Schedule, bool RequiresPin, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo);
