namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>Where a booking stands; only pending, confirmed and checked-in bookings hold the resource.</summary>
public enum BookingStatus : short
{
    Pending = 1,
    Confirmed = 2,
    CheckedIn = 3,
    Cancelled = 4,
    Rejected = 5,

    /// <summary>Confirmed but not checked in within the check-in window: released by the hub (no-show).</summary>
    Released = 6,
}

/// <summary>
/// A person's booking of a resource for [<see cref="StartsAt"/>, <see cref="EndsAt"/>). The
/// database refuses two active bookings whose [StartsAt, OccupiedUntil) overlap on one resource.
/// </summary>
public sealed class Booking : IVersioned
{
    public Guid Id { get; set; }
    public Guid ResourceId { get; set; }
    public Guid PersonId { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }

    /// <summary><see cref="EndsAt"/> plus the resource's buffer when it was booked.</summary>
    public DateTimeOffset OccupiedUntil { get; set; }
    public BookingStatus Status { get; set; }
    public string Note { get; set; } = "";
    public Guid? SeriesId { get; set; }
    public Guid? GroupId { get; set; }

    /// <summary>An admin or operator booked past the rules; the audit trail shows who.</summary>
    public bool RulesOverride { get; set; }
    public Guid? BookedBy { get; set; }
    public DateTimeOffset? CheckedInAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionReason { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>True while the booking holds its resource.</summary>
    public bool IsActive => Status is BookingStatus.Pending or BookingStatus.Confirmed or BookingStatus.CheckedIn;
}
