using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Notifications.Telegram.Bot;
using EdgeAccess.Cloud.Outbox;

namespace EdgeAccess.Cloud.Booking.Notifications;

/// <summary>Booking notifications: events, reminders and no-show releases through the outbox; the watch stream; the Telegram bot.</summary>
public static class BookingNotificationsExtensions
{
    /// <summary>
    /// Registers <see cref="BookingEvents"/> (the write path's hook), the fan-out and the handlers of
    /// <c>booking.event</c>, <c>booking.remind.start</c>, <c>booking.remind.end</c>,
    /// <c>booking.noshow.check</c> and <c>lab.warning</c>, the watch broadcaster and its listener, and the Telegram bot
    /// (runs only with <c>EdgeAccess:Telegram:Enabled</c>). Needs the outbox and notifications.
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessBookingNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<BookingEvents>();
        builder.Services.AddScoped<NotificationFanout>();
        builder.Services.AddOutboxHandler<BookingEventHandler>(BookingEventTypes.EventTopic);
        builder.Services.AddOutboxHandler<BookingReminderHandler>(BookingEventTypes.RemindStartTopic);
        builder.Services.AddOutboxHandler<BookingReminderHandler>(BookingEventTypes.RemindEndTopic);
        builder.Services.AddOutboxHandler<NoShowHandler>(BookingEventTypes.NoShowTopic);
        builder.Services.AddOutboxHandler<LabWarningHandler>(LabEventTypes.WarningTopic);
        builder.Services.AddSingleton<NotificationBroadcaster>();
        builder.Services.AddSingleton<WatchListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WatchListener>());
        builder.AddEdgeAccessTelegramBot();
        return builder;
    }

    /// <summary>Maps <c>edgeaccess.v1.NotificationService</c>.</summary>
    public static WebApplication MapEdgeAccessBookingNotifications(this WebApplication app)
    {
        app.MapAdminService<NotificationGrpcService>();
        return app;
    }
}
