using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.Cloud.Notifications.Telegram.Bot;

/// <summary>The Telegram bot's conversation side (<c>EdgeAccess:Telegram</c>, next to <see cref="TelegramOptions"/>).</summary>
public sealed class TelegramBotOptions
{
    /// <summary>Run the bot (long polling getUpdates). Off by default; needs a BotToken.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long one getUpdates long poll waits for an update (the Bot API allows up to 50).</summary>
    [Range(0, 50)]
    public int PollTimeoutSeconds { get; set; } = 25;
}
