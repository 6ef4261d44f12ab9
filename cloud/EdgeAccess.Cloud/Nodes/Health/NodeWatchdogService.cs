using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Nodes.Health;

/// <summary>Runs <see cref="NodeWatchdog.CheckAsync"/> every <see cref="WatchdogOptions.Interval"/>.</summary>
internal sealed class NodeWatchdogService(NodeWatchdog watchdog, TimeProvider time, IOptionsMonitor<WatchdogOptions> options, ILogger<NodeWatchdogService> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Wait first: right after a start every node that was connected to a crashed instance
            // still looks connected, and the first interval lets streams reconnect.
            await Task.Delay(options.CurrentValue.Interval, time, stoppingToken).ConfigureAwait(false);
            try
            {
                await watchdog.CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                WatchdogLog.Failed(logger, ex);
            }
        }
    }
}
