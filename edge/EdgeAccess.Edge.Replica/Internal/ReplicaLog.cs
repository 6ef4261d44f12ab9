using Microsoft.Extensions.Logging;

namespace EdgeAccess.Edge.Replica.Internal;

/// <summary>Log messages of the local store (event ids 2100-2199).</summary>
internal static partial class ReplicaLog
{
    [LoggerMessage(EventId = 2100, EventName = "ReplicaOpened", Level = LogLevel.Information,
        Message = "Replica opened at {Path}: site {SiteId}, position {Position}, {Migrations} migrations applied")]
    public static partial void ReplicaOpened(ILogger logger, string path, string siteId, long position, int migrations);

    [LoggerMessage(EventId = 2101, EventName = "IncomingSnapshotDiscarded", Level = LogLevel.Warning,
        Message = "Discarded an unfinished snapshot file {Path} left by an interrupted apply")]
    public static partial void IncomingSnapshotDiscarded(ILogger logger, string path);

    [LoggerMessage(EventId = 2102, EventName = "SnapshotApplied", Level = LogLevel.Information,
        Message = "Snapshot of site {SiteId} at position {Position} applied: {Records} records")]
    public static partial void SnapshotApplied(ILogger logger, string siteId, long position, long records);

    [LoggerMessage(EventId = 2103, EventName = "ChangesApplied", Level = LogLevel.Debug,
        Message = "Applied {Applied} feed changes ({Skipped} already applied); position {Position}")]
    public static partial void ChangesApplied(ILogger logger, int applied, int skipped, long position);

    [LoggerMessage(EventId = 2110, EventName = "JournalOpened", Level = LogLevel.Information,
        Message = "Event journal opened at {Path}: last sequence {LastSeq}, {Unacknowledged} unacknowledged of capacity {Capacity}")]
    public static partial void JournalOpened(ILogger logger, string path, long lastSeq, long unacknowledged, int capacity);

    [LoggerMessage(EventId = 2111, EventName = "JournalNearFull", Level = LogLevel.Warning,
        Message = "Event journal near full: {Unacknowledged} unacknowledged entries of capacity {Capacity} (fill ratio {FillRatio:F2}); is the hub link down?")]
    public static partial void JournalNearFull(ILogger logger, long unacknowledged, int capacity, double fillRatio);

    [LoggerMessage(EventId = 2112, EventName = "JournalAlarmCleared", Level = LogLevel.Information,
        Message = "Event journal below its alarm level again: {Unacknowledged} unacknowledged entries of capacity {Capacity}")]
    public static partial void JournalAlarmCleared(ILogger logger, long unacknowledged, int capacity);

    [LoggerMessage(EventId = 2113, EventName = "JournalDroppedAcknowledged", Level = LogLevel.Information,
        Message = "Event journal at capacity: dropped {Dropped} acknowledged entries")]
    public static partial void JournalDroppedAcknowledged(ILogger logger, long dropped);

    [LoggerMessage(EventId = 2114, EventName = "JournalRejected", Level = LogLevel.Error,
        Message = "Event journal full: {Unacknowledged} unacknowledged entries reached the hard limit {HardLimit}; event of kind {Kind} refused")]
    public static partial void JournalRejected(ILogger logger, long unacknowledged, long hardLimit, string kind);
}
