using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Notifications.Telegram;
using EdgeAccess.Cloud.Outbox;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Cloud.Tests.Notifications;

/// <summary>The Bot API client against <see cref="FakeTelegram"/>, and the <c>telegram.message</c> topic through the hub.</summary>
public sealed class TelegramTests : IAsyncLifetime
{
    private FakeTelegram _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeTelegram.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task SendMessage_Ok_RecordedByTheFake()
    {
        using var http = new HttpClient();
        var client = Client(http);

        var sent = await client.SendMessageAsync(4711, "Your booking starts in 15 minutes").WithTimeout();

        Assert.Equal(4711, sent.Chat.Id);
        var message = Assert.Single(_fake.Sent);
        Assert.Equal((4711L, "Your booking starts in 15 minutes"), (message.ChatId, message.Text));
    }

    [Fact]
    public async Task SendMessage_429WithShortRetryAfter_WaitsAndRetries()
    {
        using var http = new HttpClient();
        var client = Client(http);
        _fake.TooManyRequestsNext(1, retryAfterSeconds: 1);

        var watch = Stopwatch.StartNew();
        await client.SendMessageAsync(1, "hello").WithTimeout();

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}");
        Assert.Equal(["sendMessage", "sendMessage"], _fake.Calls);
        Assert.Single(_fake.Sent);
    }

    [Fact]
    public async Task SendMessage_429WithLongRetryAfter_ThrowsWithRetryAfter()
    {
        using var http = new HttpClient();
        var client = Client(http);
        _fake.TooManyRequestsNext(1, retryAfterSeconds: 30);

        var error = await Assert.ThrowsAsync<TelegramApiException>(() => client.SendMessageAsync(1, "hello")).WithTimeout();

        Assert.Equal(429, error.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Empty(_fake.Sent);
    }

    [Fact]
    public async Task Call_OkFalse_ThrowsWithoutTheTokenInTheMessage()
    {
        using var http = new HttpClient();
        var client = Client(http, token: "999:wrong-token");

        var error = await Assert.ThrowsAsync<TelegramApiException>(() => client.SendMessageAsync(1, "hello")).WithTimeout();

        Assert.Equal(401, error.ErrorCode);
        Assert.DoesNotContain("wrong-token", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUpdates_LongPoll_ReturnsAnUpdateThatArrivesWhileWaitingAndOffsetConfirmsIt()
    {
        using var http = new HttpClient();
        var client = Client(http);

        var poll = client.GetUpdatesAsync(offset: null, timeoutSeconds: 10);
        await Task.Delay(200);
        Assert.False(poll.IsCompleted);
        var id = _fake.EnqueueMessage(chatId: 77, "/start ABC123");
        var updates = await poll.WithTimeout();

        var update = Assert.Single(updates);
        Assert.Equal((id, 77L, "/start ABC123"), (update.UpdateId, update.Message!.Chat.Id, update.Message.Text));
        Assert.Empty(await client.GetUpdatesAsync(update.UpdateId + 1, timeoutSeconds: 0).WithTimeout());
        Assert.True(await client.AnswerCallbackQueryAsync("cb-1", "ok").WithTimeout());
    }

    [Fact]
    public async Task TelegramTopic_ThroughTheHub_SendsTheMessageAndNeverLogsTheToken()
    {
        var logs = new CapturingLoggerProvider();
        await using var hub = new HubHost(
            new Dictionary<string, string?>
            {
                ["EdgeAccess:Telegram:BaseUrl"] = _fake.BaseUrl.ToString(),
                ["EdgeAccess:Telegram:BotToken"] = _fake.Token,
                ["EdgeAccess:Outbox:RetryBaseDelay"] = "00:00:00.100",
                ["Logging:LogLevel:Default"] = "Trace",
            },
            b => b.Logging.AddProvider(logs));
        await hub.InitializeAsync();
        _fake.FailNext(1, 502, "Bad Gateway");

        await using (var scope = hub.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            OutboxWriter.Enqueue(db, TelegramMessageHandler.Topic, new TelegramMessagePayload(555, "Booking approved"));
            await db.SaveChangesAsync();
        }

        await _fake.WaitForSentAsync(1).WithTimeout();
        var sent = Assert.Single(_fake.Sent);
        Assert.Equal((555L, "Booking approved"), (sent.ChatId, sent.Text));
        Assert.Equal(2, _fake.Calls.Count);
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => line.Contains(_fake.Token, StringComparison.Ordinal) || line.Contains("TEST-token", StringComparison.Ordinal));
    }

    private TelegramBotClient Client(HttpClient http, string? token = null) => new(
        http,
        Options.Create(new TelegramOptions { BaseUrl = _fake.BaseUrl.ToString(), BotToken = token ?? _fake.Token }),
        TimeProvider.System,
        NullLogger<TelegramBotClient>.Instance);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
