using System.Text.Json;
using EdgeAccess.Cloud.Booking.Notifications;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Outbox;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Notifications;

/// <summary>Booking events, reminders and no-show releases through the outbox to webhooks, Telegram and the watch stream.</summary>
public sealed class BookingNotificationTests(NotificationHub hub) : IClassFixture<NotificationHub>
{
    [Fact]
    public async Task CreateBooking_LinkedMember_WebhookTelegramAndWatchItem()
    {
        var resource = await hub.CreateResourceAsync("created-" + Guid.NewGuid().ToString("N")[..6]);
        var (call, _, _) = await hub.MemberAsync(chatId: 2001);
        using var watch = hub.Notifications.Watch(new WatchRequest { Since = Timestamp.FromDateTimeOffset(hub.Clock.GetUtcNow().AddSeconds(-1)) }, call);
        Assert.True(await watch.ResponseStream.MoveNext().WithTimeout());
        Assert.Equal(NotificationGrpcService.StartedEvent, watch.ResponseStream.Current.Event);

        var booking = await hub.BookAsync(resource, hub.QuarterFromNow(8), 60, call);

        await hub.Webhooks.WaitUntilAsync(r => r.Requests.Any(x => x.Event == BookingEventTypes.Created && Body(x).Contains(booking.Id, StringComparison.Ordinal))).WithTimeout();
        var text = await hub.WaitForTelegramAsync(2001, t => t.Contains(booking.Id[^8..], StringComparison.Ordinal));
        Assert.StartsWith("Booking confirmed", text, StringComparison.Ordinal);
        Assert.True(await watch.ResponseStream.MoveNext().WithTimeout());
        var item = watch.ResponseStream.Current;
        Assert.Equal((BookingEventTypes.Created, booking.Id, text), (item.Event, item.BookingId, item.Text));
    }

    [Fact]
    public async Task Reminders_FireAtTheirDueTime_NotForACancelledBooking()
    {
        var resource = await hub.CreateResourceAsync("remind-" + Guid.NewGuid().ToString("N")[..6]);
        var (call, _, _) = await hub.MemberAsync(chatId: 2002);
        await hub.Notifications.UpdatePreferencesAsync(new UpdatePreferencesRequest
        {
            Preferences = new NotificationPreferences { Telegram = true, RemindStartMinutes = 30, RemindEndMinutes = 10 },
        }, call).ResponseAsync.WithTimeout();
        var kept = await hub.BookAsync(resource, hub.QuarterFromNow(8), 60, call);
        var cancelled = await hub.BookAsync(resource, hub.QuarterFromNow(12), 60, call);
        await hub.Booking.CancelBookingAsync(new CancelBookingRequest { Id = cancelled.Id }, call).ResponseAsync.WithTimeout();
        await hub.WaitForTelegramAsync(2002, t => t.StartsWith("Booking cancelled", StringComparison.Ordinal));

        // Not yet due: nothing.
        await hub.AdvanceWhenOutboxIdleAsync(kept.StartTime.ToDateTimeOffset() - hub.Clock.GetUtcNow() - TimeSpan.FromMinutes(31));
        await Task.Delay(500);
        Assert.DoesNotContain(hub.Telegram.Sent, m => m.ChatId == 2002 && m.Text.StartsWith("Reminder", StringComparison.Ordinal));

        await hub.AdvanceWhenOutboxIdleAsync(TimeSpan.FromMinutes(2));
        var start = await hub.WaitForTelegramAsync(2002, t => t.StartsWith("Reminder: your booking starts soon", StringComparison.Ordinal));
        Assert.Contains(kept.Id[^8..], start, StringComparison.Ordinal);

        // Past the cancelled booking's reminder times and the kept one's end reminder.
        await hub.AdvanceWhenOutboxIdleAsync(cancelled.StartTime.ToDateTimeOffset() - hub.Clock.GetUtcNow());
        await hub.WaitForTelegramAsync(2002, t => t.StartsWith("Reminder: your booking ends soon", StringComparison.Ordinal) && t.Contains(kept.Id[^8..], StringComparison.Ordinal));
        await Task.Delay(500);
        var reminders = hub.Telegram.Sent.Where(m => m.ChatId == 2002 && m.Text.StartsWith("Reminder", StringComparison.Ordinal)).Select(m => m.Text).ToList();
        Assert.Equal(2, reminders.Count);
        Assert.DoesNotContain(reminders, r => r.Contains(cancelled.Id[^8..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoShow_NotCheckedInWithinTheWindow_ReleasedAndTheSlotIsFree()
    {
        var resource = await hub.CreateResourceAsync("noshow-" + Guid.NewGuid().ToString("N")[..6], r =>
        {
            r.NoShowRelease = true;
            r.CheckInWindowMinutes = 15;
        });
        var (call, _, _) = await hub.MemberAsync(chatId: 2003);
        var start = hub.QuarterFromNow(4);
        var booking = await hub.BookAsync(resource, start, 60, call);

        await hub.AdvanceWhenOutboxIdleAsync(start.AddMinutes(16) - hub.Clock.GetUtcNow());

        var text = await hub.WaitForTelegramAsync(2003, t => t.StartsWith("Booking released", StringComparison.Ordinal));
        Assert.Contains(booking.Id[^8..], text, StringComparison.Ordinal);
        var released = await hub.Booking.GetBookingAsync(new GetBookingRequest { Id = booking.Id }, call).ResponseAsync.WithTimeout();
        Assert.Equal(BookingStatus.Released, released.Status);
        await hub.Webhooks.WaitUntilAsync(r => r.Requests.Any(x => x.Event == BookingEventTypes.Released && Body(x).Contains(booking.Id, StringComparison.Ordinal))).WithTimeout();

        // The slot is free again (the rest of it; the start has passed, so the admin books past the notice rule).
        var again = await hub.BookAsync(resource, start.AddMinutes(30), 30, hub.Admin, rulesOverride: true, personId: (await hub.MemberAsync()).PersonId);
        Assert.Equal(BookingStatus.Confirmed, again.Status);
        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.EntityId == booking.Id && a.ActorName == "system").WithTimeout());
    }

    [Fact]
    public async Task NoShow_CheckedIn_Kept()
    {
        var resource = await hub.CreateResourceAsync("checkin-" + Guid.NewGuid().ToString("N")[..6], r =>
        {
            r.NoShowRelease = true;
            r.CheckInWindowMinutes = 15;
        });
        var (call, _, _) = await hub.MemberAsync(chatId: 2004);
        var start = hub.QuarterFromNow(4);
        var booking = await hub.BookAsync(resource, start, 60, call);
        await hub.AdvanceWhenOutboxIdleAsync(start.AddMinutes(5) - hub.Clock.GetUtcNow());
        await hub.Booking.CheckInAsync(new CheckInRequest { Id = booking.Id }, call).ResponseAsync.WithTimeout();
        await hub.WaitForTelegramAsync(2004, t => t.StartsWith("Checked in", StringComparison.Ordinal));

        await hub.AdvanceWhenOutboxIdleAsync(TimeSpan.FromMinutes(12));
        await WaitForOutboxIdleAsync(BookingEventTypes.NoShowTopic);

        var kept = await hub.Booking.GetBookingAsync(new GetBookingRequest { Id = booking.Id }, call).ResponseAsync.WithTimeout();
        Assert.Equal(BookingStatus.CheckedIn, kept.Status);
        Assert.DoesNotContain(hub.Telegram.Sent, m => m.ChatId == 2004 && m.Text.StartsWith("Booking released", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FanOut_SameOutboxMessageTwice_DeliversOnce()
    {
        var resource = await hub.CreateResourceAsync("dedupe-" + Guid.NewGuid().ToString("N")[..6]);
        var (call, _, userId) = await hub.MemberAsync(chatId: 2005);
        var booking = await hub.BookAsync(resource, hub.QuarterFromNow(8), 60, call);
        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var stored = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == Guid.Parse(booking.Id)).WithTimeout();
        var payload = JsonSerializer.Serialize(new BookingEventPayload(BookingEventTypes.Modified, hub.Clock.GetUtcNow(), BookingSnapshot.Of(stored)), OutboxWriter.JsonOptions);
        var message = new OutboxDelivery(Guid.CreateVersion7(), BookingEventTypes.EventTopic, null, payload, 1, hub.Clock.GetUtcNow(), hub.Clock.GetUtcNow());

        // A worker that died after the fan-out committed runs the same message again.
        for (var run = 0; run < 2; run++)
        {
            await using var handlerScope = hub.Host.CreateScope();
            await handlerScope.ServiceProvider.GetRequiredService<BookingEventHandler>().HandleAsync(message, CancellationToken.None).WithTimeout();
        }

        Assert.Equal(1, await db.Notifications.CountAsync(n => n.UserId == userId && n.Event == BookingEventTypes.Modified).WithTimeout());
        await hub.WaitForTelegramAsync(2005, t => t.StartsWith("Booking changed", StringComparison.Ordinal));
        await WaitForOutboxIdleAsync(Cloud.Notifications.Telegram.TelegramMessageHandler.Topic);
        Assert.Single(hub.Telegram.Sent, m => m.ChatId == 2005 && m.Text.StartsWith("Booking changed", StringComparison.Ordinal));
    }

    private static string Body(RecordingWebhookReceiver.Received request) => System.Text.Encoding.UTF8.GetString(request.Body);

    private async Task WaitForOutboxIdleAsync(string topic)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using (var scope = hub.Host.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
                var now = hub.Clock.GetUtcNow();
                if (!await db.OutboxMessages.AnyAsync(m => m.Topic == topic && m.CompletedAt == null && m.FailedAt == null && m.DueAt <= now, cts.Token))
                {
                    return;
                }
            }

            await Task.Delay(50, cts.Token);
        }
    }
}
