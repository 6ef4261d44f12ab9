using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Booking.Notifications;

/// <summary>The booking event types (webhook <c>X-EdgeAccess-Event</c>, watch items) and the outbox topics behind them.</summary>
public static class BookingEventTypes
{
    public const string Created = "booking.created";
    public const string Approved = "booking.approved";
    public const string Rejected = "booking.rejected";
    public const string Cancelled = "booking.cancelled";
    public const string Modified = "booking.modified";
    public const string CheckedIn = "booking.checked_in";
    public const string Released = "booking.released";
    public const string ReminderStart = "booking.reminder.start";
    public const string ReminderEnd = "booking.reminder.end";

    /// <summary>Outbox topic: a booking event to fan out now (committed with the booking write).</summary>
    public const string EventTopic = "booking.event";

    /// <summary>Outbox topic: the reminder before the start, due at start − lead time.</summary>
    public const string RemindStartTopic = "booking.remind.start";

    /// <summary>Outbox topic: the reminder before the end, due at end − lead time.</summary>
    public const string RemindEndTopic = "booking.remind.end";

    /// <summary>Outbox topic: the no-show check, due at start + check-in window.</summary>
    public const string NoShowTopic = "booking.noshow.check";

    /// <summary>The event a status decision emits.</summary>
    public static string ForDecision(Stored.BookingStatus status) => status switch
    {
        Stored.BookingStatus.Confirmed => Approved,
        Stored.BookingStatus.Rejected => Rejected,
        Stored.BookingStatus.Cancelled => Cancelled,
        Stored.BookingStatus.CheckedIn => CheckedIn,
        Stored.BookingStatus.Released => Released,
        _ => Modified,
    };
}

/// <summary>The booking as it was when the event happened (events fan out later; the booking may have moved on).</summary>
public sealed record BookingSnapshot(
    Guid Id, Guid ResourceId, Guid PersonId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Status, long Version, string? Reason)
{
    /// <summary>Snapshots <paramref name="b"/>.</summary>
    public static BookingSnapshot Of(Stored.Booking b) =>
        new(b.Id, b.ResourceId, b.PersonId, b.StartsAt, b.EndsAt, b.Status.ToString().ToLowerInvariant(), b.Version, b.DecisionReason);
}

/// <summary>The payload of <see cref="BookingEventTypes.EventTopic"/>.</summary>
public sealed record BookingEventPayload(string Event, DateTimeOffset OccurredAt, BookingSnapshot Booking);

/// <summary>
/// The payload of the scheduled topics: which booking, for whom (null: no linked user, webhooks
/// only), and the times it was scheduled for. The handler does nothing when the booking has moved
/// since (its times differ: the move scheduled new messages) or is no longer active.
/// </summary>
public sealed record BookingScheduledPayload(Guid BookingId, Guid? UserId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int LeadMinutes);
