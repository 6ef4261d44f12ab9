using Microsoft.Extensions.Logging;

namespace EdgeAccess.Cloud.Rights.Explain;

/// <summary>Log events of explain-access and who-can-open (event ids 3150-3169). Never card numbers.</summary>
internal static partial class ExplainLog
{
    [LoggerMessage(3150, LogLevel.Debug, "Explained access of card {CardId} at door {DoorId}: {Reason} ({Paths} grant paths)", EventName = "AccessExplained")]
    public static partial void Explained(ILogger logger, Guid cardId, Guid doorId, AccessReason reason, int paths);

    [LoggerMessage(3151, LogLevel.Warning, "Schedule {ScheduleId} cannot be evaluated and admits nothing: {Problem}", EventName = "ExplainScheduleUnreadable")]
    public static partial void ScheduleUnreadable(ILogger logger, Guid scheduleId, string problem);

    [LoggerMessage(3152, LogLevel.Debug, "Who can open door {DoorId}: {Entries} cards admitted of {Scanned} rights scanned", EventName = "WhoCanOpenListed")]
    public static partial void WhoCanOpen(ILogger logger, Guid doorId, int entries, int scanned);

    [LoggerMessage(3153, LogLevel.Warning, "Site {SiteId} has the unknown time zone {TimeZone}; evaluating schedules in UTC", EventName = "ExplainUnknownTimeZone")]
    public static partial void UnknownTimeZone(ILogger logger, Guid siteId, string timeZone);

}
