namespace EdgeAccess.Edge.AccessPoint;

/// <summary>Logs of the access point, event ids 2200–2249. Never a card number or PIN: ids and hashes only.</summary>
internal static partial class AccessPointLog
{
    [LoggerMessage(EventId = 2200, EventName = "DecisionIndexLoaded", Level = LogLevel.Information,
        Message = "Decision index loaded for site {SiteId} at position {Position}: {Cards} cards, {Doors} doors, {Rights} rights in {ElapsedMs} ms")]
    public static partial void IndexLoaded(ILogger logger, string siteId, long position, int cards, int doors, long rights, double elapsedMs);

    [LoggerMessage(EventId = 2201, EventName = "DecisionIndexEmpty", Level = LogLevel.Warning,
        Message = "The replica holds no usable site yet ({Problem}); card taps are refused until it does")]
    public static partial void IndexUnavailable(ILogger logger, string problem);

    [LoggerMessage(EventId = 2202, EventName = "DoorDecision", Level = LogLevel.Debug,
        Message = "Door {DoorId}: {Reason} (card {CardId}, flags {Flags}, position {Position}, journal {JournalSeq})")]
    public static partial void Decided(ILogger logger, string doorId, Decisions.DecisionReason reason, string? cardId, Decisions.DecisionFlags flags, long position, long journalSeq);

    [LoggerMessage(EventId = 2203, EventName = "DoorRequestInvalid", Level = LogLevel.Debug,
        Message = "Door request refused: invalid {Field}")]
    public static partial void Invalid(ILogger logger, string field);

    [LoggerMessage(EventId = 2204, EventName = "DecisionNotJournaled", Level = LogLevel.Error,
        Message = "Door {DoorId}: the decision could not be journaled, so it is not answered")]
    public static partial void JournalFailed(ILogger logger, Exception exception, string doorId);

    [LoggerMessage(EventId = 2205, EventName = "NoDecisionIndex", Level = LogLevel.Warning,
        Message = "Door {DoorId}: no decision index yet, tap refused")]
    public static partial void NoIndex(ILogger logger, string doorId);
}
