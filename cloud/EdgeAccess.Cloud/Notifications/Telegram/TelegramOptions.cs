using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Notifications.Telegram;

/// <summary>The Telegram Bot API client (<c>EdgeAccess:Telegram</c>).</summary>
public sealed class TelegramOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "EdgeAccess:Telegram";

    /// <summary>The Bot API server (a local Bot API server or a test fake may stand in).</summary>
    [Required]
    public string BaseUrl { get; set; } = "https://api.telegram.org";

    /// <summary>
    /// The bot's token from @BotFather — a secret: set it like the other secrets (environment
    /// <c>EdgeAccess__Telegram__BotToken</c>), never in appsettings. It is part of every request's URL
    /// path (<c>/bot&lt;token&gt;/method</c>), so the client's HttpClient has request logging removed
    /// and the client never logs or throws a URL. Unset: Telegram messages are dead-lettered.
    /// </summary>
    public string? BotToken { get; set; }

    /// <summary>How long one call may take (a long poll gets its own timeout on top).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A 429 whose <c>retry_after</c> is at most this is waited out and retried inside the call.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxInlineRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many such inline retries one call makes.</summary>
    [Range(0, 10)]
    public int MaxInlineRetries { get; set; } = 2;
}
