using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Edge.HubLink;

/// <summary>
/// Keeps checking the link to the hub, which the node opens itself (outbound only, so it works
/// behind NAT): asks the hub who it is, records version and clock skew, and on failure retries
/// with exponential backoff and full jitter so a building of nodes does not reconnect in lockstep.
/// </summary>
internal sealed partial class HubLinkWorker(
    GrpcChannel channel,
    HubLinkState state,
    IOptions<EdgeOptions> options,
    TimeProvider time,
    ILogger<HubLinkWorker> logger) : BackgroundService
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = new ServerInfoService.Client(channel);
        var failures = 0;
        EdgeTelemetry.Meter.CreateObservableGauge("edgeaccess.hub.link.up", () => state.Current.IsUp ? 1 : 0,
            unit: "{link}", description: "1 while the last check reached the hub, else 0.");
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var sent = time.GetUtcNow();
                var info = await client.GetServerInfoAsync(new GetServerInfoRequest(), deadline: sent.UtcDateTime + CallTimeout, cancellationToken: stoppingToken);
                var received = time.GetUtcNow();
                var skew = info.Now.ToDateTimeOffset() - (sent + (received - sent) / 2);
                var wasDown = !state.Current.IsUp;
                state.Up(received, info.Version, skew);
                if (wasDown)
                {
                    LogHubReachable(logger, info.NodeId, info.Version, skew.TotalMilliseconds);
                }

                failures = 0;
                wait = options.Value.HubCheckInterval;
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                state.Down();
                wait = ReconnectBackoff.Next(failures, options.Value.MaxReconnectDelay);
                LogHubUnreachable(logger, ex.StatusCode, failures, wait.TotalSeconds);
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }


    [LoggerMessage(EventId = 2000, EventName = "HubReachable", Level = LogLevel.Information,
        Message = "Hub {HubId} reachable (version {HubVersion}, clock skew {SkewMs:F0} ms).")]
    private static partial void LogHubReachable(ILogger logger, string hubId, string hubVersion, double skewMs);

    [LoggerMessage(EventId = 2001, EventName = "HubUnreachable", Level = LogLevel.Warning,
        Message = "Hub unreachable ({StatusCode}), attempt {Attempt}; retrying in {DelaySeconds:F1} s. Decisions continue locally.")]
    private static partial void LogHubUnreachable(ILogger logger, StatusCode statusCode, int attempt, double delaySeconds);
}
