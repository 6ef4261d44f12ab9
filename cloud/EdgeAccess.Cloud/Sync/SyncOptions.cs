using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Sync;

/// <summary>The edge sync stream (<c>EdgeAccess:Sync</c>).</summary>
public sealed class SyncOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Sync";

    /// <summary>
    /// How often an idle stream gets a heartbeat; the node is re-authenticated at the same pace, so
    /// a revocation ends its stream within one interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest an idle stream sleeps before it re-reads the feed and checks the heartbeat clock.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a connected node gets a digest of its site's state to verify its replica against
    /// (the first right after it caught up on connecting). Each one reads the site's whole state.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan DigestInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the hub waits for the node's Hello after the stream opened.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
