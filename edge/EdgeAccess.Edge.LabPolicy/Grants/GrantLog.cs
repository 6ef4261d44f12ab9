using Microsoft.Extensions.Logging;

namespace EdgeAccess.Edge.LabPolicy.Grants;

/// <summary>Log messages of the grant/revoke reconciler (event ids 4150–4169; the host worker uses 4170–4179, accounts 4180–4199).</summary>
internal static partial class GrantLog
{
    [LoggerMessage(EventId = 4150, EventName = "LabGrantSucceeded", Level = LogLevel.Information,
        Message = "Granted {User} (uid {Uid}) group {Group} for resource {ResourceId}.")]
    public static partial void Granted(ILogger logger, string user, long uid, string group, string resourceId);

    [LoggerMessage(EventId = 4151, EventName = "LabRevokeSucceeded", Level = LogLevel.Information,
        Message = "Revoked {User} (uid {Uid}) from group {Group} for resource {ResourceId}.")]
    public static partial void Revoked(ILogger logger, string user, long uid, string group, string resourceId);

    [LoggerMessage(EventId = 4152, EventName = "LabCommandFailed", Level = LogLevel.Warning,
        Message = "{Command} of {User} in group {Group} for resource {ResourceId} failed (exit {ExitCode}, {Failures} in a row): {Error}. Retrying in {RetrySeconds:F0} s.")]
    public static partial void CommandFailed(ILogger logger, string command, string user, string group, string resourceId, int exitCode, int failures, string error, double retrySeconds);

    [LoggerMessage(EventId = 4153, EventName = "LabCommandRefused", Level = LogLevel.Warning,
        Message = "{Command} for resource {ResourceId} refused and not run: {Reason}.")]
    public static partial void CommandRefused(ILogger logger, string command, string resourceId, string reason);

    [LoggerMessage(EventId = 4154, EventName = "LabListFailed", Level = LogLevel.Warning,
        Message = "Listing the members of group {Group} failed (exit {ExitCode}): {Error}. Using the recorded grants.")]
    public static partial void ListFailed(ILogger logger, string group, int exitCode, string error);

    [LoggerMessage(EventId = 4155, EventName = "LabMaintenanceEntered", Level = LogLevel.Error,
        Message = "Resource {ResourceId} enters maintenance after {Failures} failed reconciles ({Reason}): nobody may run its programs; revoking everybody.")]
    public static partial void MaintenanceEntered(ILogger logger, string resourceId, int failures, string reason);

    [LoggerMessage(EventId = 4156, EventName = "LabMaintenanceLeft", Level = LogLevel.Information,
        Message = "Resource {ResourceId} leaves maintenance: {Reason}.")]
    public static partial void MaintenanceLeft(ILogger logger, string resourceId, string reason);

    [LoggerMessage(EventId = 4157, EventName = "LabGrantStateUnreadable", Level = LogLevel.Error,
        Message = "The grant state {Path} is unreadable ({Reason}); moved aside to {MovedTo}, starting from an empty state.")]
    public static partial void StateUnreadable(ILogger logger, string path, string reason, string movedTo);

    [LoggerMessage(EventId = 4158, EventName = "LabGrantStateNotSaved", Level = LogLevel.Error,
        Message = "The grant state {Path} could not be saved; it is kept in memory and saved after the next pass.")]
    public static partial void StateNotSaved(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 4159, EventName = "LabGrantNotJournaled", Level = LogLevel.Error,
        Message = "A {Kind} event of resource {ResourceId} could not be journaled.")]
    public static partial void NotJournaled(ILogger logger, string kind, string resourceId, Exception exception);

    [LoggerMessage(EventId = 4160, EventName = "LabReconciled", Level = LogLevel.Debug,
        Message = "Grant reconcile: {Granted} granted, {Revoked} revoked, {Failed} failed, {Refused} refused, {InMaintenance} resources in maintenance.")]
    public static partial void Reconciled(ILogger logger, int granted, int revoked, int failed, int refused, int inMaintenance);
}
