using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Edge.Replica;

/// <summary>Configuration of the edge node's local store (section <c>EdgeAccess:Replica</c>).</summary>
public sealed class ReplicaOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "EdgeAccess:Replica";

    /// <summary>The directory holding <c>replica.db</c> and <c>journal.db</c>.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>How long a statement waits for a lock held by another connection.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The journal's nominal capacity in entries. At capacity the oldest acknowledged entries are
    /// dropped; unacknowledged ones are kept up to twice this, then appends are refused.
    /// </summary>
    [Range(10, 100_000_000)]
    public int JournalCapacity { get; set; } = 1_000_000;

    /// <summary>Acknowledged entries kept for local look-back after an ack (0: prune them all).</summary>
    [Range(0, 100_000_000)]
    public int JournalRetainAcknowledged { get; set; }

    /// <summary>The fill ratio (unacknowledged / capacity) at which the near-full alarm is raised.</summary>
    [Range(0.1, 1.0)]
    public double JournalAlarmRatio { get; set; } = 0.8;

    /// <summary>The replica file's path.</summary>
    public string ReplicaPath => Path.Combine(DataDirectory, "replica.db");

    /// <summary>The journal file's path.</summary>
    public string JournalPath => Path.Combine(DataDirectory, "journal.db");
}
