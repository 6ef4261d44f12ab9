using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Notifications.Telegram;
using EdgeAccess.Cloud.Notifications.Webhooks;
using EdgeAccess.Cloud.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace EdgeAccess.Cloud.Booking.Notifications;

/// <summary>
/// Fans one booking event (or reminder, or lab warning) out to the channels, exactly once per outbox message even
/// though handlers run at least once: in one transaction it enqueues a webhook delivery per matching
/// subscription, records a notification per recipient user, enqueues the Telegram message for
/// recipients who linked a chat and kept Telegram on, and NOTIFYs the watch streams. Every row's id
/// is derived from the outbox message id, and inserts skip existing ids, so a second run writes and
/// notifies nothing.
/// </summary>
public sealed partial class NotificationFanout(HubDbContext db, TimeProvider time, ILogger<NotificationFanout> logger)
{
    /// <summary>The NOTIFY channel the watch streams of every hub instance LISTEN on.</summary>
    public const string WatchChannel = "edgeaccess_watch";

    private const int MaxText = 1000;

    /// <summary>
    /// Delivers <paramref name="eventType"/> about <paramref name="booking"/> caused by outbox message
    /// <paramref name="sourceId"/> to <paramref name="userIds"/> (null: every active user linked to the
    /// booking's person).
    /// </summary>
    public async Task DeliverAsync(Guid sourceId, string eventType, BookingSnapshot booking, IReadOnlyCollection<Guid>? userIds, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var resource = await (from r in db.BookingResources.AsNoTracking()
                              join s in db.Sites.AsNoTracking() on r.SiteId equals s.Id
                              where r.Id == booking.ResourceId
                              select new { r.Name, s.TimeZone }).SingleAsync(ct);
        var text = Describe(eventType, booking, resource.Name, resource.TimeZone);
        var data = JsonSerializer.SerializeToElement(new
        {
            @event = eventType,
            booking.Id,
            booking.ResourceId,
            ResourceName = resource.Name,
            booking.PersonId,
            booking.StartsAt,
            booking.EndsAt,
            booking.Status,
            booking.Version,
            booking.Reason,
            UserIds = userIds,
        }, OutboxWriter.JsonOptions);
        var (webhooks, delivered) = await FanOutAsync(sourceId, eventType, booking.Id, booking.PersonId, userIds, text, data, ct);
        LogFannedOut(logger, sourceId, eventType, booking.Id, webhooks, delivered);
    }

    /// <summary>
    /// In one transaction: a webhook delivery per matching subscription, a notification per
    /// recipient (with its watch NOTIFY and, where linked and on, its Telegram message), all with
    /// ids derived from <paramref name="sourceId"/> so a second run adds nothing.
    /// </summary>
    private async Task<(int Webhooks, int Users)> FanOutAsync(
        Guid sourceId, string eventType, Guid? bookingId, Guid personId, IReadOnlyCollection<Guid>? userIds, string text, JsonElement data, CancellationToken ct)
    {
        var users = await (from u in db.Users.AsNoTracking()
                           where u.Active && (userIds == null ? u.PersonId == personId : userIds.Contains(u.Id))
                           join p in db.NotificationPreferences.AsNoTracking() on u.Id equals p.UserId into prefs
                           from p in prefs.DefaultIfEmpty()
                           join l in db.TelegramLinks.AsNoTracking() on u.Id equals l.UserId into links
                           from l in links.DefaultIfEmpty()
                           select new { u.Id, Telegram = p == null || p.Telegram, ChatId = l == null ? (long?)null : l.ChatId }).ToListAsync(ct);
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Active).Select(s => new { s.Id, s.Topics }).ToListAsync(ct);

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var tx = (NpgsqlTransaction)transaction.GetDbTransaction();
        var webhooks = 0;
        foreach (var subscription in subscriptions.Where(s => WebhookPublisher.Matches(s.Topics, eventType)))
        {
            var message = OutboxWriter.Create(WebhookHandler.Topic, new WebhookDeliveryPayload(subscription.Id, eventType, now, data));
            message.Id = Derive(sourceId, "webhook/" + subscription.Id);
            webhooks += await OutboxWriter.EnqueueAsync(connection, tx, message, time, ct) ? 1 : 0;
        }

        var delivered = 0;
        foreach (var user in users)
        {
            var id = Derive(sourceId, "user/" + user.Id);
            if (!await InsertNotificationAsync(connection, tx, id, user.Id, eventType, bookingId, text, now, ct))
            {
                continue;
            }

            delivered++;
            await using (var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection, tx))
            {
                notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = WatchChannel });
                notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(new WatchSignal(id, user.Id, eventType, bookingId ?? Guid.Empty, text, now), OutboxWriter.JsonOptions) });
                await notify.ExecuteNonQueryAsync(ct);
            }

            if (user is { Telegram: true, ChatId: { } chatId })
            {
                var message = OutboxWriter.Create(TelegramMessageHandler.Topic, new TelegramMessagePayload(chatId, text));
                message.Id = Derive(sourceId, "telegram/" + user.Id);
                await OutboxWriter.EnqueueAsync(connection, tx, message, time, ct);
            }
        }

        await transaction.CommitAsync(ct);
        return (webhooks, delivered);
    }

    /// <summary>A name-based id: the first 16 bytes of SHA-256(source ‖ name), marked version 8 (RFC 9562 §5.8).</summary>
    internal static Guid Derive(Guid source, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetByteCount(name)];
        source.TryWriteBytes(input, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>The human text of an event (Telegram, watch), in the site's time zone.</summary>
    internal static string Describe(string eventType, BookingSnapshot b, string resource, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var start = TimeZoneInfo.ConvertTime(b.StartsAt, zone);
        var end = TimeZoneInfo.ConvertTime(b.EndsAt, zone);
        var when = start.ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "–" + end.ToString("HH:mm", CultureInfo.InvariantCulture);
        var what = eventType switch
        {
            BookingEventTypes.Created => b.Status == "pending" ? "Booking requested (awaits approval)" : "Booking confirmed",
            BookingEventTypes.Approved => "Booking approved",
            BookingEventTypes.Rejected => "Booking rejected",
            BookingEventTypes.Cancelled => "Booking cancelled",
            BookingEventTypes.Modified => "Booking changed",
            BookingEventTypes.CheckedIn => "Checked in",
            BookingEventTypes.Released => "Booking released (no check-in)",
            BookingEventTypes.ReminderStart => "Reminder: your booking starts soon",
            BookingEventTypes.ReminderEnd => "Reminder: your booking ends soon",
            _ => eventType,
        };
        var text = $"{what}: {resource}, {when} ({timeZone}). Code {b.Id.ToString()[^8..]}";
        if (!string.IsNullOrEmpty(b.Reason) && eventType is BookingEventTypes.Rejected or BookingEventTypes.Cancelled or BookingEventTypes.Released)
        {
            text += $". Reason: {b.Reason}";
        }

        return text.Length <= MaxText ? text : text[..MaxText];
    }

    private static async Task<bool> InsertNotificationAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, Guid userId, string eventType, Guid? bookingId, string text, DateTimeOffset now, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO notifications (id, user_id, event, booking_id, text, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO NOTHING
            """, connection, tx);
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventType });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)bookingId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = text });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        return await insert.ExecuteNonQueryAsync(ct) == 1;
    }

    [LoggerMessage(3900, LogLevel.Debug, "Outbox message {MessageId}: {Event} of booking {BookingId} fanned out to {Webhooks} webhooks and {Users} users", EventName = "NotificationFannedOut")]
    private static partial void LogFannedOut(ILogger logger, Guid messageId, string @event, Guid bookingId, int webhooks, int users);
}

/// <summary>The NOTIFY payload of <see cref="NotificationFanout.WatchChannel"/>: one notification for one user.</summary>
public sealed record WatchSignal(Guid Id, Guid UserId, string Event, Guid BookingId, string Text, DateTimeOffset CreatedAt);
