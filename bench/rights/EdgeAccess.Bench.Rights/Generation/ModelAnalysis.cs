namespace EdgeAccess.Bench.Rights.Generation;

/// <summary>
/// Facts about a generated model computed independently of the hub: the exact number of effective
/// rights a full compile must produce (a cross-check of the compiler at scale) and the transitive
/// membership of every group (to pick the "10k people" changes from the real graph).
/// </summary>
internal sealed class ModelAnalysis
{
    private readonly SiteModel _model;
    private readonly HashSet<int>[] _upDoors;

    public ModelAnalysis(SiteModel model)
    {
        _model = model;
        var schemesByGroup = model.Schemes.ToLookup(s => s.Group);

        // Doors a membership of g reaches: schemes of g and of its ancestors, through active groups only.
        _upDoors = new HashSet<int>[model.Groups.Length];
        for (var g = 0; g < model.Groups.Length; g++)
        {
            var doors = new HashSet<int>();
            for (var at = g; at >= 0 && model.Groups[at].Active; at = model.Groups[at].Parent)
            {
                foreach (var scheme in schemesByGroup[at])
                {
                    doors.UnionWith(scheme.Doors);
                }
            }

            _upDoors[g] = doors;
        }

        // Transitive members: people with a membership anywhere in the group's subtree.
        var members = model.Groups.Select(_ => new HashSet<int>()).ToArray();
        foreach (var membership in model.Memberships)
        {
            for (var at = membership.Group; at >= 0; at = model.Groups[at].Parent)
            {
                members[at].Add(membership.Person);
            }
        }

        TransitiveMembers = [.. members.Select(m => m.Count)];
        SchemeGroups = [.. schemesByGroup.Select(s => s.Key)];

        var doorsOf = new HashSet<int>[model.People.Length];
        foreach (var membership in model.Memberships)
        {
            (doorsOf[membership.Person] ??= []).UnionWith(_upDoors[membership.Group]);
        }

        foreach (var grant in model.Grants)
        {
            (doorsOf[grant.Person] ??= []).Add(grant.Door);
        }

        var activeCards = new int[model.People.Length];
        foreach (var card in model.Cards)
        {
            activeCards[card.Person] += card.Status == 0 ? 1 : 0;
        }

        for (var p = 0; p < model.People.Length; p++)
        {
            if (model.People[p].Active && doorsOf[p] is { } doors)
            {
                ExpectedRights += (long)doors.Count * activeCards[p];
            }
        }
    }

    /// <summary>Card × door rows a full compile must produce.</summary>
    public long ExpectedRights { get; }

    /// <summary>Group index → people who are members of it or of a group nested in it.</summary>
    public int[] TransitiveMembers { get; }

    /// <summary>Groups that carry at least one scheme.</summary>
    public HashSet<int> SchemeGroups { get; }

    /// <summary>Doors a member of group <paramref name="group"/> reaches through schemes.</summary>
    public IReadOnlySet<int> UpDoors(int group) => _upDoors[group];

    /// <summary>
    /// Pairs (child, parent) for the large nesting changes: active children whose transitive
    /// membership is closest to <paramref name="targetPeople"/>, each under a distinct active parent
    /// of another tree that carries its own scheme and reaches two to four doors (fewest first).
    /// </summary>
    public List<(int Child, int Parent)> NestingPairs(int count, int targetPeople)
    {
        var groups = _model.Groups;
        bool ChainActive(int g)
        {
            for (var at = g; at >= 0; at = groups[at].Parent)
            {
                if (!groups[at].Active)
                {
                    return false;
                }
            }

            return true;
        }

        var children = Enumerable.Range(0, groups.Length)
            .Where(ChainActive)
            .OrderBy(g => Math.Abs(TransitiveMembers[g] - targetPeople)).ThenBy(g => g)
            .Take(count)
            .ToList();
        var parents = Enumerable.Range(0, groups.Length)
            .Where(g => ChainActive(g) && SchemeGroups.Contains(g) && _upDoors[g].Count is >= 2 and <= 4)
            .OrderBy(g => _upDoors[g].Count).ThenByDescending(g => groups[g].Level).ThenBy(g => g)
            .ToList();
        var pairs = new List<(int, int)>();
        var used = new HashSet<int>();
        foreach (var child in children)
        {
            var parent = parents.FirstOrDefault(p => groups[p].Tree != groups[child].Tree && !used.Contains(p), -1);
            if (parent >= 0)
            {
                used.Add(parent);
                pairs.Add((child, parent));
            }
        }

        return pairs;
    }
}
