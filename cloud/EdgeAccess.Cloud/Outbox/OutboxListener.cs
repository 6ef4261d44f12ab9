using Npgsql;

namespace EdgeAccess.Cloud.Outbox;

/// <summary>
/// LISTENs on <see cref="Channel"/> (NOTIFYed by the <c>outbox_messages</c> insert trigger once the
/// enqueuing transaction committed) and wakes this instance's dispatcher. Modelled on the node
/// command notifier: a notification can be lost while the connection is down, so the dispatcher
/// also polls; the table, not the notification, is the truth.
/// </summary>
public sealed partial class OutboxListener(NpgsqlDataSource dataSource, ILogger<OutboxListener> logger) : BackgroundService
{
    /// <summary>The NOTIFY channel (payload empty).</summary>
    public const string Channel = "edgeaccess_outbox";

    private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True while the LISTEN connection is up.</summary>
    public bool Listening { get; private set; }

    /// <summary>Completes at the next notification (take it before looking at the table).</summary>
    public Task Next() => Volatile.Read(ref _current).Task;

    /// <summary>Wakes every waiter now.</summary>
    public void Wake() =>
        Interlocked.Exchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                Listening = true;
                delay = TimeSpan.FromMilliseconds(200);
                OutboxLog.Listening(logger);

                // Notifications sent while we were away are gone: look once.
                Wake();
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
                OutboxLog.ListenFailed(logger, delay.TotalMilliseconds, ex);
                Wake();
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }

        Listening = false;
    }
}
