namespace EdgeAccess.Cloud.Outbox;

/// <summary>The outbox's log events (ids 3800–3829).</summary>
internal static partial class OutboxLog
{
    [LoggerMessage(3800, LogLevel.Information, "Outbox dispatcher {Instance} started for topics {Topics}", EventName = "OutboxStarted")]
    public static partial void Started(ILogger logger, string instance, string topics);

    [LoggerMessage(3801, LogLevel.Debug, "Outbox message {MessageId} ({Topic}, attempt {Attempt}) completed in {DurationMs} ms", EventName = "OutboxCompleted")]
    public static partial void Completed(ILogger logger, Guid messageId, string topic, int attempt, double durationMs);

    [LoggerMessage(3802, LogLevel.Warning, "Outbox message {MessageId} ({Topic}, attempt {Attempt}) failed; retrying at {NextAttempt:o}", EventName = "OutboxRetrying")]
    public static partial void Retrying(ILogger logger, Guid messageId, string topic, int attempt, DateTimeOffset nextAttempt, Exception exception);

    [LoggerMessage(3803, LogLevel.Error, "Outbox message {MessageId} ({Topic}) dead-lettered after attempt {Attempt}", EventName = "OutboxDeadLettered")]
    public static partial void DeadLettered(ILogger logger, Guid messageId, string topic, int attempt, Exception exception);

    [LoggerMessage(3804, LogLevel.Warning, "Outbox message {MessageId} ({Topic}, attempt {Attempt}): the lease was lost before the outcome was recorded; another claim owns it now", EventName = "OutboxLeaseLost")]
    public static partial void LeaseLost(ILogger logger, Guid messageId, string topic, int attempt);

    [LoggerMessage(3805, LogLevel.Information, "Outbox message {MessageId} ({Topic}) released at shutdown", EventName = "OutboxReleased")]
    public static partial void Released(ILogger logger, Guid messageId, string topic);

    [LoggerMessage(3806, LogLevel.Warning, "Outbox dispatcher could not reach the database; retrying in {DelayMs} ms", EventName = "OutboxDatabaseFailed")]
    public static partial void DatabaseFailed(ILogger logger, double delayMs, Exception exception);

    [LoggerMessage(3807, LogLevel.Error, "Outbox message {MessageId} ({Topic}): recording the outcome failed; the lease will expire and the message run again", EventName = "OutboxRecordFailed")]
    public static partial void RecordFailed(ILogger logger, Guid messageId, string topic, Exception exception);

    [LoggerMessage(3808, LogLevel.Information, "Listening for outbox notifications", EventName = "OutboxListening")]
    public static partial void Listening(ILogger logger);

    [LoggerMessage(3809, LogLevel.Warning, "Outbox notification connection failed; retrying in {DelayMs} ms", EventName = "OutboxListenFailed")]
    public static partial void ListenFailed(ILogger logger, double delayMs, Exception exception);
}
