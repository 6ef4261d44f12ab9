using EdgeAccess.Cloud.Outbox;

namespace EdgeAccess.Cloud.Notifications.Telegram;

/// <summary>The payload of a <see cref="TelegramMessageHandler.Topic"/> message.</summary>
/// <param name="ChatId">The Telegram chat.</param>
/// <param name="Text">The message text.</param>
/// <param name="ParseMode"><c>HTML</c>, <c>MarkdownV2</c> or null for plain text.</param>
/// <param name="DisableNotification">Deliver silently.</param>
public sealed record TelegramMessagePayload(long ChatId, string Text, string? ParseMode = null, bool DisableNotification = false);

/// <summary>
/// Sends one <see cref="Topic"/> message with <c>sendMessage</c>. 429 is retried after its
/// <c>retry_after</c>; other 4xx answers (chat not found, bot blocked, bad token) and a missing
/// token dead-letter; timeouts, connection errors and 5xx are retried.
/// </summary>
/// <remarks>
/// The Bot API has no idempotency key: if the hub dies after Telegram accepted the message and
/// before the completion was recorded, the chat receives it twice.
/// </remarks>
public sealed class TelegramMessageHandler(TelegramBotClient client) : IOutboxHandler
{
    /// <summary>The outbox topic.</summary>
    public const string Topic = "telegram.message";

    /// <inheritdoc />
    public async Task HandleAsync(OutboxDelivery message, CancellationToken cancellationToken)
    {
        if (!client.IsConfigured)
        {
            throw new OutboxPermanentException("EdgeAccess:Telegram:BotToken is not configured");
        }

        var payload = message.ReadPayload<TelegramMessagePayload>();
        try
        {
            await client.SendMessageAsync(payload.ChatId, payload.Text, payload.ParseMode, payload.DisableNotification, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramApiException ex) when (ex.ErrorCode == 429)
        {
            throw new OutboxRetryException(ex.Message, ex.RetryAfter ?? TimeSpan.Zero, ex);
        }
        catch (TelegramApiException ex) when (ex.ErrorCode is >= 400 and < 500)
        {
            throw new OutboxPermanentException(ex.Message, ex);
        }
    }
}
