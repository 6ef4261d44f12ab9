namespace EdgeAccess.Decisions;

/// <summary>
/// Publishes the current <see cref="DecisionIndex"/> to the door threads. Readers take
/// <see cref="Current"/> once per decision and keep using that snapshot; the replicator builds a
/// new index and <see cref="Swap"/>s it in atomically, so a reader never sees a half-built index
/// and an in-flight decision finishes on the index it started with.
/// </summary>
public sealed class DecisionIndexHolder
{
    private DecisionIndex _current;

    /// <summary>Creates the holder with a first index.</summary>
    /// <param name="initial">The index to publish.</param>
    public DecisionIndexHolder(DecisionIndex initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
    }

    /// <summary>The index to decide with now (a volatile read; take it once per decision).</summary>
    public DecisionIndex Current => Volatile.Read(ref _current);

    /// <summary>Publishes a new index and returns the one it replaced.</summary>
    /// <param name="next">The new index.</param>
    /// <returns>The previous index.</returns>
    public DecisionIndex Swap(DecisionIndex next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _current, next);
    }

    /// <summary>
    /// Publishes <paramref name="next"/> only if it is not older than the current index (a late
    /// build of an older position must not undo a newer one).
    /// </summary>
    /// <param name="next">The new index.</param>
    /// <returns>True when published.</returns>
    public bool TrySwapNewer(DecisionIndex next)
    {
        ArgumentNullException.ThrowIfNull(next);
        while (true)
        {
            var current = Volatile.Read(ref _current);
            if (next.Position < current.Position)
            {
                return false;
            }

            if (ReferenceEquals(Interlocked.CompareExchange(ref _current, next, current), current))
            {
                return true;
            }
        }
    }

    /// <summary>Decides a request on the current index.</summary>
    /// <param name="request">The tap.</param>
    /// <returns>The decision.</returns>
    public Decision Decide(in DecisionRequest request) => DoorDecider.Decide(Current, request);
}
