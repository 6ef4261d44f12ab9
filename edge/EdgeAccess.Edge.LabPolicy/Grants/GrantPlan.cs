using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Grants;

/// <summary>An OS group membership: the unit grant and revoke commands act on.</summary>
/// <param name="Group">The OS group.</param>
/// <param name="User">The login name.</param>
internal readonly record struct Membership(string Group, string User);

/// <summary>Why a membership is wanted: the account and the resources whose bookings want it.</summary>
internal sealed class Wanted(long uid, string personId)
{
    public long Uid { get; } = uid;

    public string PersonId { get; } = personId;

    public SortedSet<string> Resources { get; } = new(StringComparer.Ordinal);
}

/// <summary>What one reconcile pass sees of the replica at one instant: this node's resources, the
/// account links, and the memberships the bookings covering the instant want.</summary>
internal sealed class GrantPlan
{
    private readonly Dictionary<string, List<NodeAccountRecord>> _accountsByPerson = new(StringComparer.Ordinal);

    public GrantPlan(GrantInputs inputs, string nodeId)
    {
        foreach (var resource in inputs.Resources)
        {
            if (resource.NodeId == nodeId && !string.IsNullOrEmpty(resource.Id))
            {
                Resources[resource.Id] = resource;
            }
        }

        foreach (var account in inputs.Accounts)
        {
            if (account.NodeId != nodeId || string.IsNullOrEmpty(account.UserName))
            {
                continue;
            }

            AccountsByUser[account.UserName] = account;
            if (!string.IsNullOrEmpty(account.PersonId))
            {
                if (!_accountsByPerson.TryGetValue(account.PersonId, out var list))
                {
                    list = [];
                    _accountsByPerson[account.PersonId] = list;
                }

                list.Add(account);
            }
        }

        Bookings = inputs.Bookings;
    }

    /// <summary>This node's resources by id.</summary>
    public Dictionary<string, ResourceRecord> Resources { get; } = new(StringComparer.Ordinal);

    /// <summary>This node's linked accounts by login name.</summary>
    public Dictionary<string, NodeAccountRecord> AccountsByUser { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<BookingRecord> Bookings { get; }

    /// <summary>The OS group a resource's grants go to; null when it has none or is inactive.</summary>
    public static string? GroupOf(ResourceRecord resource) =>
        resource.Active && resource.LabPolicy is { OsGroup.Length: > 0 } policy ? policy.OsGroup : null;

    /// <summary>This node's resources that put their bookers in <paramref name="group"/>.</summary>
    public IEnumerable<string> ResourcesWithGroup(string group) =>
        Resources.Values.Where(r => r.LabPolicy?.OsGroup == group).Select(r => r.Id).Order(StringComparer.Ordinal);

    /// <summary>
    /// The memberships wanted at <paramref name="now"/> by the resources <paramref name="included"/>
    /// accepts: every account of this node linked to the person of a confirmed booking with
    /// starts_at ≤ now &lt; ends_at (granted at the start, revoked at the end, no grace: the grace of
    /// the policy is for programs already running, not for the right to start them).
    /// </summary>
    public Dictionary<Membership, Wanted> Desired(DateTimeOffset now, Func<string, bool> included)
    {
        var desired = new Dictionary<Membership, Wanted>();
        foreach (var booking in Bookings)
        {
            if (booking.Pending || booking.StartsAt is null || booking.EndsAt is null
                || !Resources.TryGetValue(booking.ResourceId, out var resource) || GroupOf(resource) is not { } group || !included(resource.Id))
            {
                continue;
            }

            if (booking.StartsAt.ToDateTimeOffset() > now || now >= booking.EndsAt.ToDateTimeOffset())
            {
                continue;
            }

            if (!_accountsByPerson.TryGetValue(booking.PersonId, out var accounts))
            {
                continue;
            }

            foreach (var account in accounts)
            {
                var membership = new Membership(group, account.UserName);
                if (!desired.TryGetValue(membership, out var wanted))
                {
                    wanted = new Wanted(account.Uid, account.PersonId);
                    desired[membership] = wanted;
                }

                wanted.Resources.Add(resource.Id);
            }
        }

        return desired;
    }

    /// <summary>
    /// The member names in a list command's output: <c>getent group</c>'s <c>name:x:gid:a,b,c</c>
    /// (the fourth field), or names separated by blanks or commas. Anything that is not a valid
    /// account name is ignored.
    /// </summary>
    public static HashSet<string> ParseMembers(string output)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split(':');
            var names = fields.Length >= 4 ? fields[3] : line;
            foreach (var name in names.Split([',', ' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (CommandTemplate.IsValidName(name))
                {
                    members.Add(name);
                }
            }
        }

        return members;
    }
}
