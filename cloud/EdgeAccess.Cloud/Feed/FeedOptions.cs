using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Feed;

/// <summary>Feed retention and statistics (<c>EdgeAccess:Feed</c>).</summary>
public sealed class FeedOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Feed";

    /// <summary>Entries older than this are compacted; a reader further behind bootstraps from a snapshot.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often one hub instance compacts every site's feed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the feed gauges are refreshed from the database.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StatisticsInterval { get; set; } = TimeSpan.FromSeconds(15);
}
