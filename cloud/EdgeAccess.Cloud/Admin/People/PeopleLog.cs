using Microsoft.Extensions.Logging;

namespace EdgeAccess.Cloud.Admin.People;

/// <summary>
/// Log events of the people and cards admin API (event ids 3250-3259). Ids only: card numbers,
/// PINs and their hashes are never logged.
/// </summary>
internal static partial class PeopleLog
{
    [LoggerMessage(3250, LogLevel.Debug, "Person {PersonId} created", EventName = "PersonCreated")]
    public static partial void PersonCreated(ILogger logger, Guid personId);

    [LoggerMessage(3251, LogLevel.Debug, "Person {PersonId} updated", EventName = "PersonUpdated")]
    public static partial void PersonUpdated(ILogger logger, Guid personId);

    [LoggerMessage(3252, LogLevel.Information, "Person {PersonId} deleted", EventName = "PersonDeleted")]
    public static partial void PersonDeleted(ILogger logger, Guid personId);

    [LoggerMessage(3253, LogLevel.Debug, "Card {CardId} issued to person {PersonId}", EventName = "CardCreated")]
    public static partial void CardCreated(ILogger logger, Guid cardId, Guid personId);

    [LoggerMessage(3254, LogLevel.Debug, "Card {CardId} updated", EventName = "CardUpdated")]
    public static partial void CardUpdated(ILogger logger, Guid cardId);

    [LoggerMessage(3255, LogLevel.Information, "Card {CardId} status set to {Status} by {Actor}", EventName = "CardStatusChanged")]
    public static partial void CardStatusChanged(ILogger logger, Guid cardId, string status, string actor);

    [LoggerMessage(3256, LogLevel.Information, "Card {CardId} deleted", EventName = "CardDeleted")]
    public static partial void CardDeleted(ILogger logger, Guid cardId);

    [LoggerMessage(3257, LogLevel.Debug, "Card lookup by number by {Actor}: {Found}", EventName = "CardLookedUp")]
    public static partial void CardLookedUp(ILogger logger, string actor, bool found);
}
