using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Nodes.Health;

/// <summary>
/// A node's sync state as stored: its <c>node_sync</c> row (if it ever connected) joined with its
/// site's feed head. <c>WaitingSince</c> is the latest of: the last acknowledgement, the opening of
/// the current stream, and the commit of the first feed entry the node has not acknowledged; a
/// lagging node without progress since then for <see cref="WatchdogOptions.StallAfter"/> is
/// stalled (null when none is known: never judged stalled).
/// </summary>
internal sealed record NodeSyncStatus(
    string NodeId,
    Guid SiteId,
    Stored.NodeStatus Status,
    DateTimeOffset? EnrolledAt,
    bool HasSyncRow,
    bool Connected,
    DateTimeOffset? LastSeenAt,
    long AckedPosition,
    long SiteHead,
    DateTimeOffset? LastAckAt,
    DateTimeOffset? WaitingSince)
{
    /// <summary>Site head minus the acknowledged position, never negative.</summary>
    public long Lag => Math.Max(0, SiteHead - AckedPosition);

    /// <summary>
    /// Online: the stored flag says connected and the node was heard from within 3 heartbeat
    /// intervals. The flag alone is best effort: a crashed hub instance leaves it set.
    /// </summary>
    public bool IsOnline(DateTimeOffset now, TimeSpan heartbeat) =>
        Connected && LastSeenAt is { } seen && seen >= now - (3 * heartbeat);

    /// <summary>Online, behind the head, and no progress for <paramref name="stallAfter"/>.</summary>
    public bool IsStalled(DateTimeOffset now, TimeSpan heartbeat, TimeSpan stallAfter) =>
        IsOnline(now, heartbeat) && Lag > 0 && WaitingSince is { } since && now - since >= stallAfter;

    /// <summary>The API's health of the node.</summary>
    public NodeHealth Health(DateTimeOffset now, TimeSpan heartbeat, TimeSpan stallAfter) =>
        !HasSyncRow || LastSeenAt is null ? NodeHealth.NeverConnected
        : IsStalled(now, heartbeat, stallAfter) ? NodeHealth.Stalled
        : IsOnline(now, heartbeat) ? NodeHealth.Online
        : NodeHealth.Offline;

    /// <summary>
    /// An enrolled node that has not been online for <paramref name="offlineAfter"/>, counted from
    /// when it was last seen (or enrolled, if it never connected).
    /// </summary>
    public bool IsOfflineTooLong(DateTimeOffset now, TimeSpan heartbeat, TimeSpan offlineAfter) =>
        Status == Stored.NodeStatus.Active && !IsOnline(now, heartbeat)
        && (LastSeenAt ?? EnrolledAt) is { } since && now - since >= offlineAfter;
}
