using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Nodes.Health;

/// <summary>The node watchdog (<c>EdgeAccess:Watchdog</c>), validated at start.</summary>
public sealed class WatchdogOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Watchdog";

    /// <summary>How often every hub instance checks the fleet (default 30 seconds).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An online node behind its site's head that has not acknowledged anything for this long is
    /// stalled (default 2 minutes). Also what the admin API's <c>stalled</c> uses.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>An enrolled node not online for this long raises an offline alert (default 10 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(10);
}
