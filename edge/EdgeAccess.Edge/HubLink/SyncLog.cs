using EdgeAccess.Grpc;

namespace EdgeAccess.Edge.HubLink;

/// <summary>Log messages of the node's sync link (event ids 23xx). Tokens and codes are never logged.</summary>
internal static partial class SyncLog
{
    [LoggerMessage(EventId = 2300, EventName = "SyncStreamOpened", Level = LogLevel.Information,
        Message = "Sync stream of node {NodeId} opened at replica position {Position}.")]
    public static partial void StreamOpened(ILogger logger, string nodeId, long position);

    [LoggerMessage(EventId = 2301, EventName = "SyncStreamFailed", Level = LogLevel.Warning,
        Message = "Sync stream ended ({Reason}); attempt {Attempt}, reconnecting in {DelaySeconds:F1} s. Decisions continue locally.")]
    public static partial void StreamFailed(ILogger logger, string reason, int attempt, double delaySeconds);

    [LoggerMessage(EventId = 2302, EventName = "SyncSnapshotApplied", Level = LogLevel.Information,
        Message = "Snapshot at position {Position} applied: {Records} records in {ElapsedMs:F0} ms.")]
    public static partial void SnapshotApplied(ILogger logger, long position, long records, double elapsedMs);

    [LoggerMessage(EventId = 2314, EventName = "SyncSnapshotReceiving", Level = LogLevel.Information,
        Message = "Receiving a snapshot at position {Position} ({Records} records); the current replica stays in use until it is complete.")]
    public static partial void SnapshotReceiving(ILogger logger, long position, long records);

    [LoggerMessage(EventId = 2303, EventName = "SyncGap", Level = LogLevel.Error,
        Message = "Feed gap: expected position {Expected}, got {Actual}; resyncing from a snapshot.")]
    public static partial void Gap(ILogger logger, long expected, long actual);

    [LoggerMessage(EventId = 2304, EventName = "SyncUnknownMessage", Level = LogLevel.Warning,
        Message = "Ignored a hub message this node does not know ({Case}); the hub may be newer.")]
    public static partial void UnknownMessage(ILogger logger, string @case);

    [LoggerMessage(EventId = 2305, EventName = "NodeNotEnrolled", Level = LogLevel.Warning,
        Message = "Node {NodeId} has no credential and no EdgeAccess:Edge:EnrollmentCode; it decides on its replica but cannot sync until enrolled.")]
    public static partial void NotEnrolled(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 2306, EventName = "NodeEnrolled", Level = LogLevel.Information,
        Message = "Node {NodeId} enrolled for site {SiteId} ({TimeZone}).")]
    public static partial void Enrolled(ILogger logger, string nodeId, string siteId, string timeZone);

    [LoggerMessage(EventId = 2307, EventName = "NodeCredentialRefused", Level = LogLevel.Error,
        Message = "The hub refused node {NodeId}'s credential ({StatusCode}: {Detail}). Re-enroll the node with a new code.")]
    public static partial void CredentialRefused(ILogger logger, string nodeId, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 2308, EventName = "NodeTokenRotated", Level = LogLevel.Information,
        Message = "Node {NodeId} rotated its token.")]
    public static partial void TokenRotated(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 2309, EventName = "NodeCommandDone", Level = LogLevel.Information,
        Message = "Command {CommandId} ({Kind}): succeeded {Succeeded}, {Detail}.")]
    public static partial void CommandDone(ILogger logger, string commandId, string kind, bool succeeded, string detail);

    [LoggerMessage(EventId = 2310, EventName = "ReplicaDigestVerified", Level = LogLevel.Debug,
        Message = "Replica at position {Position} ({Records} records) matches the hub's digest.")]
    public static partial void DigestVerified(ILogger logger, long position, long records);

    [LoggerMessage(EventId = 2311, EventName = "ReplicaDigestSkipped", Level = LogLevel.Debug,
        Message = "Hub digest at position {DigestPosition} skipped: the replica is at {Position}.")]
    public static partial void DigestSkipped(ILogger logger, long digestPosition, long position);

    [LoggerMessage(EventId = 2312, EventName = "ReplicaTampered", Level = LogLevel.Critical,
        Message = "SECURITY: the replica at position {Position} does not match the hub's state ({Actual} records, expected {Expected}; {Source}). Decisions use the degraded policy until a snapshot replaces it.")]
    public static partial void Tampered(ILogger logger, long position, long expected, long actual, string source);

    [LoggerMessage(EventId = 2313, EventName = "JournalBehindHub", Level = LogLevel.Warning,
        Message = "The hub holds journal events up to {HubSeq} but this journal ends at {LocalSeq} (replaced or restored?); renumbering unsent entries after the hub's.")]
    public static partial void JournalBehindHub(ILogger logger, long localSeq, long hubSeq);
}
