namespace EdgeAccess.Cloud.Sync;

/// <summary>Log events of the edge sync stream (event ids 3450-3499). Node tokens never appear.</summary>
internal static partial class SyncLog
{
    [LoggerMessage(3450, LogLevel.Information, "Node {NodeId} opened its sync stream at position {Position}", EventName = "SyncOpened")]
    public static partial void Opened(ILogger logger, string nodeId, long position);

    [LoggerMessage(3451, LogLevel.Information, "Node {NodeId} closed its sync stream", EventName = "SyncClosed")]
    public static partial void Closed(ILogger logger, string nodeId);

    [LoggerMessage(3452, LogLevel.Warning, "Node {NodeId} already has an open sync stream; refused another", EventName = "SyncAlreadyOpen")]
    public static partial void AlreadyOpen(ILogger logger, string nodeId);

    [LoggerMessage(3453, LogLevel.Information, "Sending node {NodeId} a snapshot of site {SiteId} at position {Position} ({RecordCount} records)", EventName = "SyncSnapshot")]
    public static partial void Snapshot(ILogger logger, string nodeId, Guid siteId, long position, long recordCount);

    [LoggerMessage(3454, LogLevel.Warning, "Node {NodeId} is no longer authenticated; ending its sync stream", EventName = "SyncRevoked")]
    public static partial void Revoked(ILogger logger, string nodeId);

    [LoggerMessage(3455, LogLevel.Warning, "Node {NodeId} acknowledged position {Position} beyond what it was sent ({Sent}); ignored", EventName = "SyncAckAhead")]
    public static partial void AckAhead(ILogger logger, string nodeId, long position, long sent);

    [LoggerMessage(3457, LogLevel.Information, "Node {NodeId} dropped its sync stream ({Reason})", EventName = "SyncDropped")]
    public static partial void Dropped(ILogger logger, string nodeId, string reason);

    [LoggerMessage(3456, LogLevel.Warning, "Reading the sync stream of node {NodeId} failed", EventName = "SyncReadFailed")]
    public static partial void ReadFailed(ILogger logger, string nodeId, Exception exception);

    [LoggerMessage(3458, LogLevel.Debug, "Node {NodeId} reported {Count} OS accounts: {Added} new, {Changed} changed, {Vanished} no longer present, {Deleted} removed", EventName = "SyncAccountsReported")]
    public static partial void AccountsReported(ILogger logger, string nodeId, int count, int added, int changed, int vanished, int deleted);

    [LoggerMessage(3459, LogLevel.Warning, "Ignored the OS account report of node {NodeId}: {Reason}", EventName = "SyncAccountsRejected")]
    public static partial void AccountsRejected(ILogger logger, string nodeId, string reason);
}
