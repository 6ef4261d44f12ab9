using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Cloud.Notifications.Telegram;

/// <summary>
/// A small typed client of the Telegram Bot API (https://core.telegram.org/bots/api) over the
/// configured <see cref="TelegramOptions.BaseUrl"/>. Requests are JSON POSTs to
/// <c>{BaseUrl}/bot{token}/{method}</c>; an <c>ok:false</c> answer becomes a
/// <see cref="TelegramApiException"/>; a 429 with a short <c>retry_after</c> is waited out and retried.
/// </summary>
public sealed partial class TelegramBotClient(HttpClient http, IOptions<TelegramOptions> options, TimeProvider time, ILogger<TelegramBotClient> logger)
{
    /// <summary>The Bot API's JSON: snake_case, nulls omitted.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>True when a bot token is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.BotToken);

    /// <summary><c>sendMessage</c>: sends <paramref name="text"/> to <paramref name="chatId"/>.</summary>
    public Task<TelegramMessage> SendMessageAsync(long chatId, string text, string? parseMode = null, bool disableNotification = false, object? replyMarkup = null, CancellationToken cancellationToken = default) =>
        CallAsync<TelegramMessage>("sendMessage", new SendMessageRequest(chatId, text, parseMode, disableNotification ? true : null, replyMarkup), TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// <c>getUpdates</c> by long polling: waits up to <paramref name="timeoutSeconds"/> for updates
    /// with <c>update_id ≥ offset</c>; passing an offset confirms every earlier update.
    /// </summary>
    public async Task<IReadOnlyList<TelegramUpdate>> GetUpdatesAsync(long? offset, int timeoutSeconds, int limit = 100, CancellationToken cancellationToken = default) =>
        await CallAsync<TelegramUpdate[]>("getUpdates", new GetUpdatesRequest(offset, limit, timeoutSeconds), TimeSpan.FromSeconds(timeoutSeconds), cancellationToken).ConfigureAwait(false) ?? [];

    /// <summary><c>answerCallbackQuery</c>: acknowledges an inline button press, optionally with a toast.</summary>
    public Task<bool> AnswerCallbackQueryAsync(string callbackQueryId, string? text = null, CancellationToken cancellationToken = default) =>
        CallAsync<bool>("answerCallbackQuery", new AnswerCallbackQueryRequest(callbackQueryId, text), TimeSpan.Zero, cancellationToken);

    private async Task<T> CallAsync<T>(string method, object parameters, TimeSpan longPoll, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.BotToken))
        {
            throw new InvalidOperationException("EdgeAccess:Telegram:BotToken is not configured");
        }

        // Built absolute: a relative "bot123:ABC/…" would parse as a URI with the scheme "bot123".
        var uri = new Uri($"{settings.BaseUrl.TrimEnd('/')}/bot{settings.BotToken}/{method}", UriKind.Absolute);
        for (var retry = 0; ; retry++)
        {
            using var timeout = new CancellationTokenSource(settings.RequestTimeout + longPoll, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            TelegramResponse<T>? answer;
            int status;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(parameters, parameters.GetType(), options: JsonOptions) };
                using var response = await http.SendAsync(request, linked.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                try
                {
                    answer = await response.Content.ReadFromJsonAsync<TelegramResponse<T>>(JsonOptions, linked.Token).ConfigureAwait(false);
                }
                catch (JsonException)
                {
                    answer = null;
                }
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TelegramApiException(method, 0, "timed out", null, ex);
            }
            catch (HttpRequestException ex)
            {
                // SocketsHttpHandler names host and port only, never the path with the token.
                throw new TelegramApiException(method, 0, ex.HttpRequestError.ToString(), null, ex);
            }

            if (answer is { Ok: true })
            {
                return answer.Result!;
            }

            var code = answer?.ErrorCode ?? status;
            var retryAfter = answer?.Parameters?.RetryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            LogFailed(logger, method, code, answer?.Description ?? "no Bot API answer", retryAfter?.TotalSeconds ?? 0);
            if (code == 429 && retryAfter is { } wait && wait <= settings.MaxInlineRetryAfter && retry < settings.MaxInlineRetries)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            throw new TelegramApiException(method, code, answer?.Description ?? $"HTTP {status} without a Bot API answer", retryAfter);
        }
    }

    private sealed record SendMessageRequest(long ChatId, string Text, string? ParseMode, bool? DisableNotification, object? ReplyMarkup);

    private sealed record GetUpdatesRequest(long? Offset, int Limit, int Timeout);

    private sealed record AnswerCallbackQueryRequest(string CallbackQueryId, string? Text);

    [LoggerMessage(3860, LogLevel.Warning, "Telegram {Method} failed: {ErrorCode} {Description} (retry after {RetryAfterSeconds} s)", EventName = "TelegramCallFailed")]
    private static partial void LogFailed(ILogger logger, string method, int errorCode, string description, double retryAfterSeconds);
}
