using EdgeAccess.Cloud.Notifications.Telegram;
using EdgeAccess.Cloud.Notifications.Webhooks;
using EdgeAccess.Cloud.Outbox;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Cloud.Notifications;

/// <summary>Notification channels delivered through the outbox: webhooks and Telegram.</summary>
public static class NotificationsExtensions
{
    /// <summary>
    /// Registers the <see cref="WebhookHandler"/> (<c>webhook.delivery</c>, <see cref="WebhookOptions"/>)
    /// and the <see cref="TelegramBotClient"/> with its <see cref="TelegramMessageHandler"/>
    /// (<c>telegram.message</c>, <see cref="TelegramOptions"/>). Needs <c>AddEdgeAccessOutbox</c>.
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
                "EdgeAccess:Telegram:BaseUrl must be an absolute http(s) URL")
            .ValidateOnStart();

        // Request logging is removed from both clients: IHttpClientFactory's default handlers log
        // every request URI at Information, and the Telegram URI carries the bot token (a webhook URL
        // may carry credentials too). The hub's tracing does not subscribe to System.Net.Http's
        // ActivitySource (ServiceDefaults/Telemetry.cs), so spans carry no URL either; the handlers
        // also switch off HttpClient's activity propagation to keep it that way.
        builder.Services.AddHttpClient(WebhookHandler.HttpClientName, (sp, client) => client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5), ActivityHeadersPropagator = null })
            .RemoveAllLoggers();
        builder.Services.AddHttpClient<TelegramBotClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5), ActivityHeadersPropagator = null })
            .RemoveAllLoggers();

        builder.Services.AddOutboxHandler<WebhookHandler>(WebhookHandler.Topic);
        builder.Services.AddOutboxHandler<TelegramMessageHandler>(TelegramMessageHandler.Topic);
        return builder;
    }
}
