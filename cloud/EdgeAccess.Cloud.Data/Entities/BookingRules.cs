namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>The period a booking quota counts over, in the site's time zone.</summary>
public enum BookingQuotaPeriod : short
{
    Day = 1,
    Week = 2,
    Month = 3,
}

/// <summary>
/// The booking rules of one resource (one row per resource, created with these defaults). Minutes
/// throughout; 0 means "no limit" for <see cref="MaxActive"/>, <see cref="QuotaMinutes"/>,
/// <see cref="MaxNoticeMinutes"/> and <see cref="CancelCutoffMinutes"/>.
/// </summary>
public sealed class BookingRules : IVersioned
{
    public Guid ResourceId { get; set; }
    public int SlotMinutes { get; set; } = 15;
    public int MinDurationMinutes { get; set; } = 15;
    public int MaxDurationMinutes { get; set; } = 480;
    public int MinNoticeMinutes { get; set; }
    public int MaxNoticeMinutes { get; set; }

    /// <summary>Turnaround kept free after every booking (see migration 0008).</summary>
    public int BufferMinutes { get; set; }

    /// <summary>Most active (pending, confirmed, checked-in, not yet ended) bookings per person.</summary>
    public int MaxActive { get; set; }
    public int QuotaMinutes { get; set; }
    public BookingQuotaPeriod QuotaPeriod { get; set; } = BookingQuotaPeriod.Week;
    public bool ApprovalRequired { get; set; }

    /// <summary>A booking can be cancelled until this many minutes before its start.</summary>
    public int CancelCutoffMinutes { get; set; }
    public int EarlyEntryMinutes { get; set; }
    public int GraceMinutes { get; set; }

    /// <summary>Check-in is accepted from this many minutes before the start until as many after.</summary>
    public int CheckInWindowMinutes { get; set; } = 15;
    public bool NoShowRelease { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<BookingRuleGroup> Groups { get; set; } = [];
}

/// <summary>A group whose (transitive) members may book the resource.</summary>
public sealed class BookingRuleGroup
{
    public Guid ResourceId { get; set; }
    public Guid GroupId { get; set; }
}
