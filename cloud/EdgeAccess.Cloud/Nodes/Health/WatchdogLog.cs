namespace EdgeAccess.Cloud.Nodes.Health;

/// <summary>Alerts of the node watchdog (event ids 3420-3429, within the node range 3400-3449).</summary>
internal static partial class WatchdogLog
{
    [LoggerMessage(3420, LogLevel.Warning, "Node {NodeId} of site {SiteId} is stalled: {Lag} positions behind its site's head and no acknowledgement since {Since:O}", EventName = "NodeStalled")]
    public static partial void Stalled(ILogger logger, string nodeId, Guid siteId, long lag, DateTimeOffset? since);

    [LoggerMessage(3421, LogLevel.Error, "Node {NodeId} of site {SiteId} is offline: last seen {LastSeen:O}", EventName = "NodeOffline")]
    public static partial void Offline(ILogger logger, string nodeId, Guid siteId, DateTimeOffset? lastSeen);

    [LoggerMessage(3422, LogLevel.Information, "Node {NodeId} of site {SiteId} recovered from {Alert} (alert open since {Since:O})", EventName = "NodeRecovered")]
    public static partial void Recovered(ILogger logger, string nodeId, Guid siteId, NodeAlert alert, DateTimeOffset since);

    [LoggerMessage(3423, LogLevel.Warning, "The node watchdog check failed; retrying at the next interval", EventName = "NodeWatchdogFailed")]
    public static partial void Failed(ILogger logger, Exception exception);
}
