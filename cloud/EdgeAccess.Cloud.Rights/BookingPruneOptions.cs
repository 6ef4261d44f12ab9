using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Rights;

/// <summary>
/// How long an ended booking stays in the compiled state (<c>EdgeAccess:Booking:Pruning</c>). A
/// booking whose access window [start − early entry, end + grace] ended more than
/// <see cref="Retention"/> ago holds no right term and no <c>BookingRecord</c>: the compiler leaves
/// it out, and the hub's booking pruner recompiles the bookings that crossed that line.
/// </summary>
public sealed class BookingPruneOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Booking:Pruning";

    /// <summary>How long after its access window ended a booking is still compiled (default 1 hour).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often one hub instance prunes (default 5 minutes; it also runs once at start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far before the cutoff a hub's first run looks for ended bookings (default 7 days). Later
    /// runs look from the previous cutoff (less one <see cref="Interval"/>, for changes that were in
    /// flight); anything older is repaired by a full compile.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Bookings recompiled per transaction (default 500).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Whether this hub instance prunes at all (instances share the work under a lock).</summary>
    public bool Enabled { get; set; } = true;
}
