using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Outbox;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Cloud.Notifications.Telegram.Bot;

/// <summary>
/// The Lab Booking Manager's front door: long-polls <c>getUpdates</c> and answers each text message
/// with <see cref="TelegramBotCommands"/>. Replies go through the outbox (<c>telegram.message</c>),
/// so they get its retries, 429 handling and dead-letter log, and a reply is committed before the
/// update is confirmed. One bot per token: run it on one hub instance only (Telegram answers a
/// second concurrent getUpdates with 409 Conflict).
/// </summary>
/// <remarks>
/// An update is confirmed by the next getUpdates (its offset). A hub that dies after handling an
/// update and before that call sees it again: /book replays through the request id, /cancel then
/// answers that the booking is gone, and the reply may come twice.
/// </remarks>
public sealed partial class TelegramBot(
    TelegramBotClient client, IServiceScopeFactory scopes, IOptions<TelegramBotOptions> options, TimeProvider time, ILogger<TelegramBot> logger) : BackgroundService
{
    private const int MaxReply = 4000;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        if (!client.IsConfigured)
        {
            LogNoToken(logger);
            return;
        }

        LogStarted(logger);
        long? offset = null;
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<TelegramUpdate> updates;
            try
            {
                updates = await client.GetUpdatesAsync(offset, options.Value.PollTimeoutSeconds, cancellationToken: stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(500);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (TelegramApiException ex)
            {
                LogPollFailed(logger, ex.ErrorCode, delay.TotalMilliseconds);
                await Task.Delay(ex.RetryAfter is { } wait && wait > delay ? wait : delay, time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 30_000));
                continue;
            }

            foreach (var update in updates)
            {
                await HandleAsync(update, stoppingToken).ConfigureAwait(false);
                offset = update.UpdateId + 1;
            }
        }
    }

    /// <summary>Handles one update; never throws except for shutdown.</summary>
    private async Task HandleAsync(TelegramUpdate update, CancellationToken stoppingToken)
    {
        if (update.Message is not { Text: { } text } message)
        {
            return;
        }

        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            string reply;
            try
            {
                reply = await scope.ServiceProvider.GetRequiredService<TelegramBotCommands>()
                    .HandleAsync(message.Chat.Id, update.UpdateId, text, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                LogCommandFailed(logger, update.UpdateId, ex);
                reply = "Sorry, something went wrong on our side. Please try again later.";
            }

            try
            {
                var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
                db.ChangeTracker.Clear();
                OutboxWriter.Enqueue(db, TelegramMessageHandler.Topic, new TelegramMessagePayload(message.Chat.Id, reply.Length <= MaxReply ? reply : reply[..MaxReply] + "…"),
                    key: "telegram-chat:" + message.Chat.Id, time: time);
                await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReplyFailed(logger, update.UpdateId, ex);
            }
        }
    }

    [LoggerMessage(3940, LogLevel.Information, "Telegram bot started (long polling)", EventName = "TelegramBotStarted")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(3941, LogLevel.Warning, "Telegram bot enabled but EdgeAccess:Telegram:BotToken is not set; the bot does not run", EventName = "TelegramBotNoToken")]
    private static partial void LogNoToken(ILogger logger);

    [LoggerMessage(3942, LogLevel.Warning, "Telegram getUpdates failed ({ErrorCode}); polling again in {DelayMs} ms", EventName = "TelegramBotPollFailed")]
    private static partial void LogPollFailed(ILogger logger, int errorCode, double delayMs);

    [LoggerMessage(3943, LogLevel.Error, "Telegram update {UpdateId}: the command failed", EventName = "TelegramBotCommandFailed")]
    private static partial void LogCommandFailed(ILogger logger, long updateId, Exception exception);

    [LoggerMessage(3944, LogLevel.Error, "Telegram update {UpdateId}: the reply could not be queued", EventName = "TelegramBotReplyFailed")]
    private static partial void LogReplyFailed(ILogger logger, long updateId, Exception exception);
}
