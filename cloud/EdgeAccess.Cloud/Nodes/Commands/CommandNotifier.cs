using System.Collections.Concurrent;
using Npgsql;

namespace EdgeAccess.Cloud.Nodes.Commands;

/// <summary>
/// Wakes a node's sync stream in this hub instance when any instance queues a command for it. One
/// connection per instance LISTENs on <see cref="Channel"/> (payload: the node id); PostgreSQL
/// delivers a notification only after the queuing transaction committed, so a woken stream finds
/// the command with <see cref="NodeCommandStore.PendingAsync"/>. Modelled on the feed's notifier.
/// </summary>
/// <remarks>
/// A notification can be lost while the listening connection is down (it then wakes every waiter
/// once it is back), so streams should also poll <see cref="NodeCommandStore.PendingAsync"/> on
/// their own pace: the table, not the notification, is the truth.
/// </remarks>
public sealed partial class CommandNotifier(NpgsqlDataSource dataSource, ILogger<CommandNotifier> logger) : BackgroundService
{
    /// <summary>The NOTIFY channel; the payload is the node id.</summary>
    public const string Channel = "edgeaccess_commands";

    private readonly ConcurrentDictionary<string, Signal> _signals = new(StringComparer.Ordinal);

    /// <summary>True while the LISTEN connection is up.</summary>
    public bool Listening { get; private set; }

    /// <summary>
    /// A task that completes at the next notification for <paramref name="nodeId"/> (or when the
    /// listener reconnects). Take it before reading the pending commands and await it after, so a
    /// command queued in between is not missed; combine it with other waits (e.g. the feed's) by
    /// <c>Task.WhenAny</c>.
    /// </summary>
    public Task Next(string nodeId) => _signals.GetOrAdd(nodeId, static _ => new Signal()).Current;

    /// <summary>
    /// Waits for the next notification for <paramref name="nodeId"/>, at most
    /// <paramref name="timeout"/>. True when woken by one, false on timeout.
    /// </summary>
    public async Task<bool> WaitAsync(string nodeId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Next(nodeId).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
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
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                Listening = true;
                delay = TimeSpan.FromMilliseconds(200);
                LogListening(logger);

                // Notifications sent while we were away are gone: everyone re-reads once.
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
                LogListenFailed(logger, delay.TotalMilliseconds, ex);
                WakeAll();
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }

        Listening = false;
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        // Only nodes with a waiter (an open stream here) have a signal worth creating.
        if (_signals.TryGetValue(e.Payload, out var signal))
        {
            signal.Wake();
        }
    }

    private void WakeAll()
    {
        foreach (var signal in _signals.Values)
        {
            signal.Wake();
        }
    }

    private sealed class Signal
    {
        private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Current => Volatile.Read(ref _current).Task;

        public void Wake() =>
            Interlocked.Exchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    [LoggerMessage(3415, LogLevel.Information, "Listening for node command notifications", EventName = "CommandListening")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(3416, LogLevel.Warning, "Node command notification connection failed; retrying in {DelayMs} ms", EventName = "CommandListenFailed")]
    private static partial void LogListenFailed(ILogger logger, double delayMs, Exception exception);
}
