namespace EdgeAccess.Cloud.Notifications.Telegram;

// The subset of the Bot API types (https://core.telegram.org/bots/api#available-types) the hub
// uses. JSON names are the API's snake_case (TelegramBotClient.JsonOptions).

/// <summary>An incoming update (<c>getUpdates</c>).</summary>
public sealed record TelegramUpdate(long UpdateId, TelegramMessage? Message = null, TelegramCallbackQuery? CallbackQuery = null);

/// <summary>A message.</summary>
public sealed record TelegramMessage(long MessageId, TelegramChat Chat, long Date, TelegramUser? From = null, string? Text = null);

/// <summary>A chat.</summary>
public sealed record TelegramChat(long Id, string? Type = null, string? Username = null);

/// <summary>A user or bot.</summary>
public sealed record TelegramUser(long Id, bool IsBot = false, string? FirstName = null, string? Username = null);

/// <summary>A press of an inline keyboard button.</summary>
public sealed record TelegramCallbackQuery(string Id, TelegramUser From, TelegramMessage? Message = null, string? Data = null);

/// <summary>The Bot API's response envelope.</summary>
internal sealed record TelegramResponse<T>(bool Ok, T? Result = default, int? ErrorCode = null, string? Description = null, TelegramResponseParameters? Parameters = null);

/// <summary>Why a request failed and what to do (<c>retry_after</c> seconds on 429).</summary>
internal sealed record TelegramResponseParameters(int? RetryAfter = null, long? MigrateToChatId = null);

/// <summary>
/// A Bot API call failed: <c>ok:false</c> (<see cref="ErrorCode"/> and the API's description) or no
/// usable answer (<see cref="ErrorCode"/> is the HTTP status, 0 without a response). The message
/// never contains the URL (which carries the bot token).
/// </summary>
public sealed class TelegramApiException(string method, int errorCode, string description, TimeSpan? retryAfter = null, Exception? innerException = null)
    : Exception($"Telegram {method} failed: {errorCode} {description}", innerException)
{
    /// <summary>The Bot API method.</summary>
    public string Method { get; } = method;

    /// <summary>The API's error_code (an HTTP status), or 0 when no response arrived.</summary>
    public int ErrorCode { get; } = errorCode;

    /// <summary>The API's retry_after on 429.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
