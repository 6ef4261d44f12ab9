namespace EdgeAccess.Cloud.Journal;

/// <summary>
/// Log events of the edge journal store and its query API (event ids 3550-3599). Node ids and
/// counts only: payloads are never logged.
/// </summary>
internal static partial class JournalLog
{
    [LoggerMessage(3550, LogLevel.Warning, "Node {NodeId}: {Count} door.decision event(s) from seq {FirstSeq} had an unreadable payload; stored without door, card and result", EventName = "JournalPayloadUnreadable")]
    public static partial void PayloadUnreadable(ILogger logger, string nodeId, int count, long firstSeq);

    [LoggerMessage(3551, LogLevel.Warning, "Refused a journal batch of node {NodeId}: {Reason}", EventName = "JournalBatchRejected")]
    public static partial void BatchRejected(ILogger logger, string nodeId, string reason);

    [LoggerMessage(3552, LogLevel.Debug, "Node {NodeId}: stored {Stored} journal event(s), {Duplicates} already held; stored through seq {Through}", EventName = "JournalBatchStored")]
    public static partial void BatchStored(ILogger logger, string nodeId, int stored, int duplicates, long through);
}
