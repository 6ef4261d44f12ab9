using System.Text.Json;
using EdgeAccess.Cloud.Outbox;
using Npgsql;

namespace EdgeAccess.Cloud.Booking.Notifications;

/// <summary>
/// LISTENs on <see cref="NotificationFanout.WatchChannel"/> and hands each notification to this
/// instance's <see cref="NotificationBroadcaster"/>. PostgreSQL delivers a NOTIFY to every listening
/// session once the fan-out committed, so every hub instance's watchers hear every notification.
/// While the connection is down, notifications are missed here (live only); clients resume with
/// <c>since</c> from the notification history.
/// </summary>
public sealed partial class WatchListener(NpgsqlDataSource dataSource, NotificationBroadcaster broadcaster, ILogger<WatchListener> logger) : BackgroundService
{
    /// <summary>True while the LISTEN connection is up.</summary>
    public bool Listening { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) => Publish(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {NotificationFanout.WatchChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                Listening = true;
                delay = TimeSpan.FromMilliseconds(200);
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
                LogListenFailed(logger, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }

        Listening = false;
    }

    private void Publish(string payload)
    {
        try
        {
            if (JsonSerializer.Deserialize<WatchSignal>(payload, OutboxWriter.JsonOptions) is { } signal)
            {
                broadcaster.Publish(signal);
            }
        }
        catch (JsonException ex)
        {
            LogBadPayload(logger, ex);
        }
    }

    [LoggerMessage(3910, LogLevel.Warning, "Watch notification connection failed; retrying in {DelayMs} ms", EventName = "WatchListenFailed")]
    private static partial void LogListenFailed(ILogger logger, double delayMs, Exception exception);

    [LoggerMessage(3911, LogLevel.Warning, "Ignored a malformed watch notification", EventName = "WatchBadPayload")]
    private static partial void LogBadPayload(ILogger logger, Exception exception);
}
