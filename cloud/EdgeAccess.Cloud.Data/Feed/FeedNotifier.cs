using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EdgeAccess.Cloud.Data.Feed;

/// <summary>
/// Wakes feed readers in this hub instance when any hub instance commits to a site's feed. One
/// connection per instance LISTENs on <see cref="FeedPublisher.NotifyChannel"/>; PostgreSQL
/// delivers the notification only after the appending transaction committed, so a woken reader
/// always finds the new entries.
/// </summary>
/// <remarks>
/// A notification can be lost while the listening connection is down, so waiters also wake after
/// <see cref="FallbackPoll"/> and re-read: the database, not the notification, is the truth.
/// </remarks>
public sealed partial class FeedNotifier(NpgsqlDataSource dataSource, ILogger<FeedNotifier> logger) : BackgroundService
{
    /// <summary>How long a waiter sleeps at most without a notification.</summary>
    public static readonly TimeSpan FallbackPoll = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, SiteSignal> _signals = new();

    /// <summary>True while the LISTEN connection is up.</summary>
    public bool Listening { get; private set; }

    /// <summary>
    /// Completes when the site's head has passed <paramref name="position"/> according to a
    /// notification, or after <paramref name="maxWait"/> (default <see cref="FallbackPoll"/>).
    /// Callers re-read the feed either way.
    /// </summary>
    public async Task WaitAsync(Guid siteId, long position, TimeSpan? maxWait, CancellationToken cancellationToken)
    {
        var signal = _signals.GetOrAdd(siteId, static _ => new SiteSignal());
        var wake = signal.Current;
        if (Volatile.Read(ref signal.Head) > position)
        {
            return;
        }

        try
        {
            await wake.WaitAsync(maxWait ?? FallbackPoll, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Fall through: the caller polls the database.
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {FeedPublisher.NotifyChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                Listening = true;
                delay = TimeSpan.FromMilliseconds(200);
                Log.Listening(logger);

                // Wake everyone once: notifications sent while we were away are gone.
                WakeAll();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException)
            {
                Listening = false;
                Log.ListenFailed(logger, delay.TotalMilliseconds, ex);
                WakeAll();
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }

        Listening = false;
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var separator = e.Payload.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0 || !Guid.TryParse(e.Payload.AsSpan(0, separator), out var siteId)
            || !long.TryParse(e.Payload.AsSpan(separator + 1), out var head))
        {
            return;
        }

        var signal = _signals.GetOrAdd(siteId, static _ => new SiteSignal());
        long seen;
        do
        {
            seen = Volatile.Read(ref signal.Head);
        }
        while (head > seen && Interlocked.CompareExchange(ref signal.Head, head, seen) != seen);

        signal.Wake();
    }

    private void WakeAll()
    {
        foreach (var signal in _signals.Values)
        {
            signal.Wake();
        }
    }

    private sealed class SiteSignal
    {
        public long Head;
        private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Current => Volatile.Read(ref _current).Task;

        public void Wake()
        {
            var previous = Interlocked.Exchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            previous.TrySetResult();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3000, LogLevel.Information, "Listening for feed notifications", EventName = "FeedListening")]
        public static partial void Listening(ILogger logger);

        [LoggerMessage(3001, LogLevel.Warning, "Feed notification connection failed; retrying in {DelayMs} ms", EventName = "FeedListenFailed")]
        public static partial void ListenFailed(ILogger logger, double delayMs, Exception exception);
    }
}
