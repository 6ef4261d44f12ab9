namespace EdgeAccess.Edge.LabPolicy.Enforcement;

/// <summary>The part of the engine's memory kept across restarts: the users' violation episodes.</summary>
/// <param name="Episodes">One per (resource, uid) currently or recently running a program without a booking.</param>
public sealed record LabPolicyState(IReadOnlyList<LabViolationEpisode> Episodes);

/// <summary>A user's unbooked use of a resource: the grace counts from <paramref name="Since"/>.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="Uid">The account.</param>
/// <param name="Since">When the first unbooked run was seen.</param>
/// <param name="LastSeen">When an unbooked run was last seen.</param>
public sealed record LabViolationEpisode(string ResourceId, long Uid, DateTimeOffset Since, DateTimeOffset LastSeen);

public sealed partial class LabPolicyEngine
{
    // LastSeen moves every tick; the state is saved again only when it moved this much.
    private static readonly TimeSpan LastSeenPersistStep = TimeSpan.FromMinutes(1);

    /// <summary>The episodes to persist (see <see cref="StateVersion"/>).</summary>
    public LabPolicyState ExportState()
    {
        lock (_lock)
        {
            foreach (var episode in _episodes.Values)
            {
                episode.SavedLastSeen = episode.LastSeen;
            }

            return new LabPolicyState([.. _episodes.Select(e => new LabViolationEpisode(e.Key.Resource, e.Key.Uid, e.Value.Since, e.Value.LastSeen))]);
        }
    }

    /// <summary>Restores persisted episodes (at start, before the first evaluation); stale ones are dropped at the first tick.</summary>
    public void ImportState(LabPolicyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_lock)
        {
            foreach (var episode in state.Episodes)
            {
                _episodes[(episode.ResourceId, episode.Uid)] = new Episode(episode.Since) { LastSeen = episode.LastSeen, SavedLastSeen = episode.LastSeen };
            }
        }
    }

    /// <summary>Starts or continues the user's episode; returns its start.</summary>
    private DateTimeOffset TouchEpisode(string resourceId, long uid, DateTimeOffset now)
    {
        if (!_episodes.TryGetValue((resourceId, uid), out var episode))
        {
            _episodes[(resourceId, uid)] = episode = new Episode(now) { LastSeen = now, SavedLastSeen = now };
            StateVersion++;
        }

        // A clock set back must not push the deadline out: LastSeen never moves backwards.
        if (now > episode.LastSeen)
        {
            episode.LastSeen = now;
            if (now - episode.SavedLastSeen >= LastSeenPersistStep)
            {
                StateVersion++;
            }
        }

        return episode.Since;
    }

    private void EndEpisode(string resourceId, long uid)
    {
        if (_episodes.Remove((resourceId, uid)))
        {
            StateVersion++;
        }
    }

    private void PruneEpisodes(DateTimeOffset now)
    {
        foreach (var key in _episodes.Where(e => now - e.Value.LastSeen > EpisodeMemory).Select(e => e.Key).ToList())
        {
            _episodes.Remove(key);
            StateVersion++;
        }
    }

    private sealed class Episode(DateTimeOffset since)
    {
        public DateTimeOffset Since { get; } = since;

        public DateTimeOffset LastSeen { get; set; }

        public DateTimeOffset SavedLastSeen { get; set; }
    }
}
