namespace EdgeAccess.Cloud.Admin.Access;

/// <summary>Log events of the access query API (event ids 3170-3199). Never card numbers: only how the card was named.</summary>
internal static partial class AccessLog
{
    [LoggerMessage(3170, LogLevel.Information, "{Actor} asked why card (by {CardKey}) {CardId} may open door {DoorId}: {Reason}", EventName = "AccessExplainQueried")]
    public static partial void Explained(ILogger logger, string actor, string cardKey, Guid? cardId, Guid doorId, string reason);

    [LoggerMessage(3171, LogLevel.Information, "{Actor} asked who can open door {DoorId}: {Entries} cards on this page", EventName = "WhoCanOpenQueried")]
    public static partial void WhoCanOpen(ILogger logger, string actor, Guid doorId, int entries);
}
