namespace EdgeAccess.Edge.LabPolicy;

/// <summary>Logs of the lab-process policy, event ids 4100–4149 (grants use 4150–4199).</summary>
internal static partial class LabPolicyLog
{
    [LoggerMessage(EventId = 4100, EventName = "LabPolicyDisabled", Level = LogLevel.Information,
        Message = "The lab-process policy is off ({Reason}).")]
    public static partial void Disabled(ILogger logger, string reason);

    [LoggerMessage(EventId = 4101, EventName = "LabPolicyStarted", Level = LogLevel.Information,
        Message = "The lab-process policy watches node {NodeId}'s resources (state in {StatePath}, {Episodes} violation episodes restored).")]
    public static partial void Started(ILogger logger, string nodeId, string statePath, int episodes);

    [LoggerMessage(EventId = 4102, EventName = "LabRunWarned", Level = LogLevel.Information,
        Message = "Warned {User} (uid {Uid}) about process group {ProcessGroup} on resource {ResourceId}: programs stop at {Deadline:o} ({Terminals} terminals).")]
    public static partial void Warned(ILogger logger, string user, long uid, int processGroup, string resourceId, DateTimeOffset deadline, int terminals);

    [LoggerMessage(EventId = 4103, EventName = "LabRunViolation", Level = LogLevel.Warning,
        Message = "Monitor mode: {User} (uid {Uid}) runs {Executable} (process group {ProcessGroup}) on resource {ResourceId} without a booking; it would be stopped at {Deadline:o}.")]
    public static partial void Violation(ILogger logger, string user, long uid, string executable, int processGroup, string resourceId, DateTimeOffset deadline);

    [LoggerMessage(EventId = 4104, EventName = "LabRunTerminated", Level = LogLevel.Warning,
        Message = "Terminated {User}'s (uid {Uid}) process group {ProcessGroup} on resource {ResourceId}: {Count} processes signalled, SIGKILL needed: {Killed}.")]
    public static partial void Terminated(ILogger logger, string user, long uid, int processGroup, string resourceId, int count, bool killed);

    [LoggerMessage(EventId = 4105, EventName = "LabTerminateFailed", Level = LogLevel.Error,
        Message = "Could not terminate {User}'s (uid {Uid}) process group {ProcessGroup} on resource {ResourceId}: {Survivors} processes survive; retrying at the next tick.")]
    public static partial void TerminateFailed(ILogger logger, Exception? exception, string user, long uid, int processGroup, string resourceId, int survivors);

    [LoggerMessage(EventId = 4106, EventName = "LabEventNotJournaled", Level = LogLevel.Error,
        Message = "A {Kind} event of resource {ResourceId} could not be journaled; the action itself was carried out.")]
    public static partial void NotJournaled(ILogger logger, Exception exception, string kind, string resourceId);

    [LoggerMessage(EventId = 4107, EventName = "LabWarnCommandFailed", Level = LogLevel.Warning,
        Message = "The local warning command for {User} on resource {ResourceId} failed (exit {ExitCode}): {Error}.")]
    public static partial void WarnCommandFailed(ILogger logger, string user, string resourceId, int exitCode, string error);

    [LoggerMessage(EventId = 4108, EventName = "LabTickFailed", Level = LogLevel.Error,
        Message = "A lab-process policy tick failed; trying again at the next one.")]
    public static partial void TickFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4109, EventName = "LabInvalidControlProgram", Level = LogLevel.Warning,
        Message = "Control program entry ignored (matches nothing): {Entry}.")]
    public static partial void InvalidProgram(ILogger logger, string entry);

    [LoggerMessage(EventId = 4110, EventName = "LabStateNotSaved", Level = LogLevel.Error,
        Message = "The lab-process policy state {Path} could not be saved; kept in memory and tried again.")]
    public static partial void StateNotSaved(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 4111, EventName = "LabTick", Level = LogLevel.Trace,
        Message = "Lab-process tick: {Resources} watched resources, {Processes} processes read in {ScanMs:F1} ms, {Runs} runs, {Actions} actions.")]
    public static partial void Tick(ILogger logger, int resources, int processes, double scanMs, int runs, int actions);

    [LoggerMessage(EventId = 4112, EventName = "LabWarningFailed", Level = LogLevel.Warning,
        Message = "Warning {User} on resource {ResourceId} locally failed.")]
    public static partial void WarningFailed(ILogger logger, Exception exception, string user, string resourceId);
}
