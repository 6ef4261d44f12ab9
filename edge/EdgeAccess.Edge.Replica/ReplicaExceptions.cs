namespace EdgeAccess.Edge.Replica;

/// <summary>A batch of feed changes does not continue the replica's position.</summary>
public sealed class ReplicaGapException : Exception
{
    /// <summary>Creates the exception for a change at <paramref name="actual"/> where <paramref name="expected"/> was due.</summary>
    public ReplicaGapException(long expected, long actual)
        : base($"Feed gap: expected position {expected}, got {actual}. Re-read the feed from {expected - 1} or take a snapshot.")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The position that had to come next.</summary>
    public long Expected { get; }

    /// <summary>The position that came.</summary>
    public long Actual { get; }
}

/// <summary>The journal holds its hard limit of unacknowledged entries and refuses more.</summary>
public sealed class JournalFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JournalFullException(long unacknowledged, long hardLimit)
        : base($"Event journal full: {unacknowledged} unacknowledged entries reached the hard limit of {hardLimit}; the hub must acknowledge before more events can be recorded.")
    {
        Unacknowledged = unacknowledged;
        HardLimit = hardLimit;
    }

    /// <summary>Entries awaiting acknowledgement.</summary>
    public long Unacknowledged { get; }

    /// <summary>The hard limit (twice the capacity).</summary>
    public long HardLimit { get; }
}
