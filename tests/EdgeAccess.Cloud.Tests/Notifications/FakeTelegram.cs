using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Cloud.Tests.Notifications;

/// <summary>
/// A fake Telegram Bot API server on a loopback port (real Kestrel, minimal API): implements
/// <c>/bot&lt;token&gt;/sendMessage</c>, <c>getUpdates</c> (long polling with offset and timeout) and
/// <c>answerCallbackQuery</c> with the API's envelope (<c>ok</c>, <c>result</c>, <c>error_code</c>,
/// <c>description</c>, <c>parameters.retry_after</c>). Records sent messages; tests enqueue updates
/// and make the next calls fail or answer 429.
/// </summary>
public sealed class FakeTelegram : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<JsonObject> _updates = [];
    private readonly ConcurrentQueue<(int Code, string Description, int? RetryAfter)> _failures = new();
    private TaskCompletionSource _updateArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextUpdateId = 1000;
    private long _nextMessageId = 1;
    private WebApplication _app = null!;

    private FakeTelegram(string token) => Token = token;

    /// <summary>The bot token the fake accepts (others get 401).</summary>
    public string Token { get; }

    /// <summary>The base URL to configure (<c>http://127.0.0.1:port</c>).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Messages accepted by sendMessage.</summary>
    public ConcurrentQueue<SentMessage> Sent { get; } = new();

    /// <summary>Every call received (method names), including failed ones.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Starts a fake for <paramref name="token"/>.</summary>
    public static async Task<FakeTelegram> StartAsync(string token = "123456:TEST-token_abcdef")
    {
        var fake = new FakeTelegram(token);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/bot{token}/{method}", fake.HandleAsync);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        fake._app = app;
        fake.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    /// <summary>The next <paramref name="count"/> calls fail with <paramref name="errorCode"/>.</summary>
    public void FailNext(int count, int errorCode = 500, string description = "Internal Server Error")
    {
        for (var i = 0; i < count; i++)
        {
            _failures.Enqueue((errorCode, description, null));
        }
    }

    /// <summary>The next <paramref name="count"/> calls answer 429 with <c>retry_after</c>.</summary>
    public void TooManyRequestsNext(int count, int retryAfterSeconds)
    {
        for (var i = 0; i < count; i++)
        {
            _failures.Enqueue((429, $"Too Many Requests: retry after {retryAfterSeconds}", retryAfterSeconds));
        }
    }

    /// <summary>Queues a text message from <paramref name="chatId"/> for getUpdates; returns its update_id.</summary>
    public long EnqueueMessage(long chatId, string text, long fromUserId = 42)
    {
        lock (_lock)
        {
            var id = _nextUpdateId++;
            _updates.Add(new JsonObject
            {
                ["update_id"] = id,
                ["message"] = new JsonObject
                {
                    ["message_id"] = _nextMessageId++,
                    ["date"] = 1_700_000_000,
                    ["text"] = text,
                    ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
                    ["from"] = new JsonObject { ["id"] = fromUserId, ["is_bot"] = false, ["first_name"] = "Test" },
                },
            });
            Interlocked.Exchange(ref _updateArrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            return id;
        }
    }

    /// <summary>Waits until <paramref name="count"/> messages were sent, at most 30 s.</summary>
    public async Task WaitForSentAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (Sent.Count < count)
        {
            await Task.Delay(20, cts.Token);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(string token, string method, HttpContext context)
    {
        Calls.Enqueue(method);
        if (token != Token)
        {
            return Error(401, "Unauthorized");
        }

        if (_failures.TryDequeue(out var failure))
        {
            return Error(failure.Code, failure.Description, failure.RetryAfter);
        }

        var body = context.Request.ContentLength == 0 ? new JsonObject() : (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))?.AsObject() ?? [];
        switch (method)
        {
            case "sendMessage":
                if (body["chat_id"] is null || body["text"] is null)
                {
                    return Error(400, "Bad Request: message text is empty");
                }

                var chatId = body["chat_id"]!.GetValue<long>();
                var text = body["text"]!.GetValue<string>();
                var messageId = Interlocked.Increment(ref _nextMessageId);
                Sent.Enqueue(new SentMessage(chatId, text, body["parse_mode"]?.GetValue<string>()));
                return Ok(new JsonObject
                {
                    ["message_id"] = messageId,
                    ["date"] = 1_700_000_000,
                    ["text"] = text,
                    ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
                });
            case "getUpdates":
                return Ok(await GetUpdatesAsync(body["offset"]?.GetValue<long>(), body["timeout"]?.GetValue<int>() ?? 0, context.RequestAborted));
            case "answerCallbackQuery":
                return Ok(JsonValue.Create(true));
            default:
                return Error(404, "Not Found");
        }
    }

    private async Task<JsonArray> GetUpdatesAsync(long? offset, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(Math.Min(timeoutSeconds, 50));
        while (true)
        {
            Task arrived;
            lock (_lock)
            {
                // An offset confirms every earlier update (https://core.telegram.org/bots/api#getupdates).
                if (offset is { } confirmed)
                {
                    _updates.RemoveAll(u => u["update_id"]!.GetValue<long>() < confirmed);
                }

                if (_updates.Count > 0 || DateTimeOffset.UtcNow >= deadline)
                {
                    return new JsonArray([.. _updates.Select(u => u.DeepClone())]);
                }

                arrived = _updateArrived.Task;
            }

            var remaining = deadline - DateTimeOffset.UtcNow;
            await Task.WhenAny(arrived, Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static IResult Ok(JsonNode result) =>
        Results.Json(new JsonObject { ["ok"] = true, ["result"] = result });

    private static IResult Error(int code, string description, int? retryAfter = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfter is { } seconds)
        {
            body["parameters"] = new JsonObject { ["retry_after"] = seconds };
        }

        return Results.Json(body, statusCode: code);
    }

    /// <summary>A message the bot sent.</summary>
    public sealed record SentMessage(long ChatId, string Text, string? ParseMode);
}
