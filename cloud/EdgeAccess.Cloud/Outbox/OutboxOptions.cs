using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Outbox;

/// <summary>The outbox dispatcher (<c>EdgeAccess:Outbox</c>), validated at start.</summary>
public sealed class OutboxOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Outbox";

    /// <summary>Whether this hub instance dispatches messages (every instance may; they share the work).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Messages one instance runs at the same time.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>
    /// How long a claim is exclusive. A message whose worker died is claimed again after this; it
    /// must exceed <see cref="HandlerTimeout"/> so a live worker never loses its lease.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A handler still running after this is cancelled and the attempt counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest wait between two looks at the table. Commits wake the dispatchers at once
    /// (LISTEN/NOTIFY); the poll covers lost notifications, scheduled messages and expired leases.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts before a message is dead-lettered (a crashed claim counts as one).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The delay after the first failure; it doubles per attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the queue gauges are refreshed from the database.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan StatisticsInterval { get; set; } = TimeSpan.FromSeconds(15);
}
