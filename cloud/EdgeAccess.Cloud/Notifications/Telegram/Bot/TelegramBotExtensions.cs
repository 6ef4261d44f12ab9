namespace EdgeAccess.Cloud.Notifications.Telegram.Bot;

/// <summary>Registers the Telegram bot.</summary>
public static class TelegramBotExtensions
{
    /// <summary>
    /// Adds <see cref="TelegramBotOptions"/> (<c>EdgeAccess:Telegram</c>, validated at start), the
    /// scoped <see cref="TelegramBotCommands"/> and the <see cref="TelegramBot"/> hosted service, which
    /// runs only when <c>EdgeAccess:Telegram:Enabled</c> is true. Needs <c>AddEdgeAccessNotifications</c>.
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessTelegramBot(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelegramBotOptions>().BindConfiguration(TelegramOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<TelegramBotCommands>();
        builder.Services.AddHostedService<TelegramBot>();
        return builder;
    }
}
