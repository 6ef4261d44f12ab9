using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Outbox;
using EdgeAccess.Cloud.Rights;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Booking.Notifications;

/// <summary><see cref="BookingEventTypes.EventTopic"/>: fans the event out as it was when it happened.</summary>
public sealed class BookingEventHandler(NotificationFanout fanout) : IOutboxHandler
{
    /// <inheritdoc />
    public Task HandleAsync(OutboxDelivery message, CancellationToken cancellationToken)
    {
        var payload = message.ReadPayload<BookingEventPayload>();
        return fanout.DeliverAsync(message.Id, payload.Event, payload.Booking, null, cancellationToken);
    }
}

/// <summary>
/// <see cref="BookingEventTypes.RemindStartTopic"/> and <see cref="BookingEventTypes.RemindEndTopic"/>:
/// re-reads the booking and reminds only when it still stands as scheduled (not cancelled, rejected,
/// released or moved since; a move scheduled reminders of its own).
/// </summary>
public sealed partial class BookingReminderHandler(HubDbContext db, NotificationFanout fanout, ILogger<BookingReminderHandler> logger) : IOutboxHandler
{
    /// <inheritdoc />
    public async Task HandleAsync(OutboxDelivery message, CancellationToken cancellationToken)
    {
        var payload = message.ReadPayload<BookingScheduledPayload>();
        var start = message.Topic == BookingEventTypes.RemindStartTopic;
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == payload.BookingId, cancellationToken);
        var stands = booking is not null && booking.StartsAt == payload.StartsAt && booking.EndsAt == payload.EndsAt
            && (start ? booking.Status == Stored.BookingStatus.Confirmed : booking.Status is Stored.BookingStatus.Confirmed or Stored.BookingStatus.CheckedIn);
        if (!stands)
        {
            LogSkipped(logger, message.Id, message.Topic, payload.BookingId, booking?.Status.ToString() ?? "deleted");
            return;
        }

        await fanout.DeliverAsync(message.Id, start ? BookingEventTypes.ReminderStart : BookingEventTypes.ReminderEnd, BookingSnapshot.Of(booking!),
            payload.UserId is { } user ? [user] : [], cancellationToken);
    }

    [LoggerMessage(3901, LogLevel.Debug, "Outbox message {MessageId} ({Topic}): booking {BookingId} changed since ({Status}); no reminder", EventName = "ReminderSkipped")]
    private static partial void LogSkipped(ILogger logger, Guid messageId, string topic, Guid bookingId, string status);
}

/// <summary>
/// <see cref="BookingEventTypes.NoShowTopic"/>: a confirmed booking nobody checked in to by start +
/// check-in window is released — saved through <see cref="HubChanges"/> as the system (audited,
/// versioned), with its <see cref="BookingEventTypes.Released"/> event in the same transaction. The
/// release frees the slot: released bookings are outside the exclusion constraint. Runs again
/// harmlessly: a released (or checked-in, cancelled, moved) booking is left alone.
/// </summary>
public sealed partial class NoShowHandler(HubDbContext db, HubChanges changes, BookingEvents events, TimeProvider time, ILogger<NoShowHandler> logger) : IOutboxHandler
{
    /// <inheritdoc />
    public async Task HandleAsync(OutboxDelivery message, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var payload = message.ReadPayload<BookingScheduledPayload>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == payload.BookingId, ct);
        var releaseOn = booking is not null
            && await db.BookingRules.AsNoTracking().Where(r => r.ResourceId == booking.ResourceId).Select(r => r.NoShowRelease).SingleOrDefaultAsync(ct);
        if (booking is not { Status: Stored.BookingStatus.Confirmed, CheckedInAt: null } || booking.StartsAt != payload.StartsAt || !releaseOn)
        {
            LogKept(logger, payload.BookingId, booking?.Status.ToString() ?? "deleted");
            return;
        }

        booking.Status = Stored.BookingStatus.Released;
        booking.DecidedAt = Admin.Sites.AdminFields.Truncate(time.GetUtcNow());
        booking.DecidedBy = null;
        booking.DecisionReason = $"no check-in within {payload.LeadMinutes} minutes of the start";

        // A check-in committing meanwhile bumps the version: the save fails, the outbox retries, and
        // the retry finds the booking checked in.
        await changes.SaveAsync(db, ChangeActor.System, c => events.EmitAsync(booking, BookingEventTypes.Released, schedule: false, c), ct);
        await transaction.CommitAsync(ct);
        LogReleased(logger, booking.Id, booking.ResourceId);
    }

    [LoggerMessage(3902, LogLevel.Information, "Booking {BookingId} on resource {ResourceId} released: nobody checked in", EventName = "BookingReleased")]
    private static partial void LogReleased(ILogger logger, Guid bookingId, Guid resourceId);

    [LoggerMessage(3903, LogLevel.Debug, "No-show check of booking {BookingId}: kept ({Status})", EventName = "NoShowKept")]
    private static partial void LogKept(ILogger logger, Guid bookingId, string status);
}
