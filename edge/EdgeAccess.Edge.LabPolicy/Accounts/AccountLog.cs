using Microsoft.Extensions.Logging;

namespace EdgeAccess.Edge.LabPolicy.Accounts;

/// <summary>Log messages of the OS account report (event ids 4180–4189; the host worker uses 4190–4199).</summary>
internal static partial class AccountLog
{
    [LoggerMessage(EventId = 4180, EventName = "LabAccountsChanged", Level = LogLevel.Information,
        Message = "OS accounts of {Path}: {Count} accounts (version {Version}); reporting them to the hub.")]
    public static partial void Changed(ILogger logger, string path, int count, long version);

    [LoggerMessage(EventId = 4181, EventName = "LabAccountsUnreadable", Level = LogLevel.Warning,
        Message = "The account file {Path} cannot be read ({Reason}); the hub keeps the last reported set.")]
    public static partial void Unreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4182, EventName = "LabAccountsNotWatched", Level = LogLevel.Warning,
        Message = "The account file {Path} cannot be watched ({Reason}); polling it only.")]
    public static partial void NotWatched(ILogger logger, string path, string reason);
}
