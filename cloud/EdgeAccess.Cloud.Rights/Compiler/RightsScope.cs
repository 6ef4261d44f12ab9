namespace EdgeAccess.Cloud.Rights;

/// <summary>
/// The people (with, per person, all doors or a set of doors) and the extra cards whose compiled
/// rights a change may alter. A superset is always safe — the compiler diffs against the stored
/// rights and publishes only real changes — so resolution may over-approximate.
/// </summary>
public sealed class RightsScope
{
    /// <summary>Person → doors to recompile (null = every door).</summary>
    internal Dictionary<Guid, HashSet<Guid>?> People { get; } = [];

    /// <summary>Cards to recompile on every door whatever their holder (e.g. a deleted card).</summary>
    internal HashSet<Guid> Cards { get; } = [];

    /// <summary>True for the scope of a full compile.</summary>
    internal bool Everything { get; init; }

    internal bool IsEmpty => !Everything && People.Count == 0 && Cards.Count == 0;

    /// <summary>Every person, every card, every door.</summary>
    public static RightsScope All { get; } = new() { Everything = true };

    internal void AddPerson(Guid person, IEnumerable<Guid>? doors)
    {
        if (doors is null)
        {
            People[person] = null;
            return;
        }

        if (People.TryGetValue(person, out var existing))
        {
            existing?.UnionWith(doors);
            return;
        }

        People[person] = [.. doors];
    }

    internal RightsScope Union(RightsScope other)
    {
        if (Everything || other.Everything)
        {
            return All;
        }

        var union = new RightsScope();
        foreach (var scope in (RightsScope[])[this, other])
        {
            foreach (var (person, doors) in scope.People)
            {
                union.AddPerson(person, doors);
            }

            union.Cards.UnionWith(scope.Cards);
        }

        return union;
    }

    /// <summary>True when the right of <paramref name="person"/> on <paramref name="door"/> is in scope.</summary>
    internal bool Covers(Guid person, Guid card, Guid door) =>
        Everything || Cards.Contains(card) || (People.TryGetValue(person, out var doors) && (doors is null || doors.Contains(door)));
}
