namespace EdgeAccess.Cloud.Nodes;

/// <summary>
/// Log events of the node registry and enrollment (event ids 3400-3449). Enrollment codes, node
/// tokens and their hashes never appear; node ids are not secret and do.
/// </summary>
internal static partial class NodeLog
{
    [LoggerMessage(3400, LogLevel.Information, "{Actor} created node {NodeId} on site {SiteId}", EventName = "NodeCreated")]
    public static partial void Created(ILogger logger, string actor, string nodeId, Guid siteId);

    [LoggerMessage(3401, LogLevel.Information, "{Actor} issued a new enrollment code for node {NodeId}; its old code and tokens no longer work", EventName = "NodeEnrollmentCodeIssued")]
    public static partial void CodeIssued(ILogger logger, string actor, string nodeId);

    [LoggerMessage(3402, LogLevel.Warning, "{Actor} revoked node {NodeId}", EventName = "NodeRevoked")]
    public static partial void Revoked(ILogger logger, string actor, string nodeId);

    [LoggerMessage(3403, LogLevel.Information, "Node {NodeId} enrolled", EventName = "NodeEnrolled")]
    public static partial void Enrolled(ILogger logger, string nodeId);

    [LoggerMessage(3404, LogLevel.Warning, "Failed enrollment for node {NodeId}: {Reason} ({Failures} consecutive)", EventName = "NodeEnrollmentFailed")]
    public static partial void EnrollmentFailed(ILogger logger, string nodeId, string reason, int failures);

    [LoggerMessage(3405, LogLevel.Warning, "Enrollment of node {NodeId} locked until {LockedUntil:O}", EventName = "NodeEnrollmentLocked")]
    public static partial void EnrollmentLocked(ILogger logger, string nodeId, DateTimeOffset lockedUntil);

    [LoggerMessage(3406, LogLevel.Information, "Node {NodeId} rotated its token", EventName = "NodeTokenRotated")]
    public static partial void TokenRotated(ILogger logger, string nodeId);

    [LoggerMessage(3407, LogLevel.Debug, "Node authentication refused: {Reason}", EventName = "NodeAuthenticationFailed")]
    public static partial void AuthenticationFailed(ILogger logger, string reason);

    [LoggerMessage(3410, LogLevel.Information, "{Actor} queued a {Kind} command for node {NodeId} ({CommandId})", EventName = "NodeCommandQueued")]
    public static partial void CommandQueued(ILogger logger, string actor, string kind, string nodeId, Guid commandId);

    [LoggerMessage(3411, LogLevel.Information, "{Actor} cancelled command {CommandId} of node {NodeId}", EventName = "NodeCommandCancelled")]
    public static partial void CommandCancelled(ILogger logger, string actor, Guid commandId, string nodeId);

    [LoggerMessage(3412, LogLevel.Information, "{Actor} linked account uid {Uid} of node {NodeId} to person {PersonId}", EventName = "NodeAccountLinked")]
    public static partial void AccountLinked(ILogger logger, string actor, string nodeId, long uid, Guid personId);

    [LoggerMessage(3413, LogLevel.Information, "{Actor} unlinked account uid {Uid} of node {NodeId}", EventName = "NodeAccountUnlinked")]
    public static partial void AccountUnlinked(ILogger logger, string actor, string nodeId, long uid);
}
