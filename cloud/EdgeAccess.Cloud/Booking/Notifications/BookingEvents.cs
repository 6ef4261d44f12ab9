using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Outbox;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Booking.Notifications;

/// <summary>
/// The booking write path's hook: enqueues a booking's event — and on create or move its reminders
/// and no-show check — as outbox messages in the writer's open transaction, so they commit if and
/// only if the booking change does. The fan-out to channels happens later, in the handlers.
/// </summary>
/// <remarks>
/// Called after <c>HubChanges</c> saved the booking (so the snapshot carries the new version), with
/// its own <c>SaveChanges</c> that writes only the outbox rows: enqueued before, they would show up
/// in the audit trail as changes of their own.
/// </remarks>
public sealed class BookingEvents(HubDbContext db, TimeProvider time)
{
    /// <summary>
    /// Enqueues <paramref name="eventType"/> for <paramref name="booking"/>; with
    /// <paramref name="schedule"/> (a create or a move) also the reminders per recipient and the
    /// no-show check. Requires the caller's transaction (the booking's).
    /// </summary>
    public async Task EmitAsync(Stored.Booking booking, string eventType, bool schedule, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("booking events must be enqueued in the booking write's transaction");
        }

        var now = time.GetUtcNow();
        OutboxWriter.Enqueue(db, BookingEventTypes.EventTopic, new BookingEventPayload(eventType, now, BookingSnapshot.Of(booking)),
            key: "booking-event:" + booking.Id, time: time);
        if (schedule)
        {
            await ScheduleAsync(booking, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task ScheduleAsync(Stored.Booking booking, DateTimeOffset now, CancellationToken ct)
    {
        var recipients = await Recipients(db, booking.PersonId).ToListAsync(ct);
        if (recipients.Count == 0)
        {
            // Nobody to remind in person; webhook subscribers still hear of it.
            recipients.Add(new Recipient(null, NotificationPreferences.DefaultRemindStartMinutes, NotificationPreferences.DefaultRemindEndMinutes));
        }

        foreach (var r in recipients)
        {
            Schedule(BookingEventTypes.RemindStartTopic, booking, r.UserId, r.RemindStart, booking.StartsAt, now);
            Schedule(BookingEventTypes.RemindEndTopic, booking, r.UserId, r.RemindEnd, booking.EndsAt, now);
        }

        var rules = await db.BookingRules.AsNoTracking().Where(r => r.ResourceId == booking.ResourceId)
            .Select(r => new { r.NoShowRelease, r.CheckInWindowMinutes }).SingleAsync(ct);
        if (rules.NoShowRelease)
        {
            var due = booking.StartsAt.AddMinutes(rules.CheckInWindowMinutes);
            OutboxWriter.Enqueue(db, BookingEventTypes.NoShowTopic,
                new BookingScheduledPayload(booking.Id, null, booking.StartsAt, booking.EndsAt, rules.CheckInWindowMinutes), dueAt: due, time: time);
        }
    }

    private void Schedule(string topic, Stored.Booking booking, Guid? userId, int leadMinutes, DateTimeOffset anchor, DateTimeOffset now)
    {
        var due = anchor.AddMinutes(-leadMinutes);

        // Off (0), or already past: a reminder after the moment it announces helps nobody.
        if (leadMinutes <= 0 || due < now)
        {
            return;
        }

        OutboxWriter.Enqueue(db, topic, new BookingScheduledPayload(booking.Id, userId, booking.StartsAt, booking.EndsAt, leadMinutes), dueAt: due, time: time);
    }

    /// <summary>The active users linked to <paramref name="personId"/> with their reminder lead times.</summary>
    internal static IQueryable<Recipient> Recipients(HubDbContext db, Guid personId) =>
        from u in db.Users.AsNoTracking()
        where u.PersonId == personId && u.Active
        join p in db.NotificationPreferences.AsNoTracking() on u.Id equals p.UserId into prefs
        from p in prefs.DefaultIfEmpty()
        orderby u.Id
        select new Recipient(
            u.Id,
            p == null ? NotificationPreferences.DefaultRemindStartMinutes : p.RemindStartMinutes,
            p == null ? NotificationPreferences.DefaultRemindEndMinutes : p.RemindEndMinutes);

    /// <summary>A user to notify (null: none linked) and their lead times.</summary>
    internal sealed record Recipient(Guid? UserId, int RemindStart, int RemindEnd);
}
