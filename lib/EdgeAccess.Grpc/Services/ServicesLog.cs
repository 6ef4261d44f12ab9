using Microsoft.Extensions.Logging;
using ServingStatus = EdgeAccess.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace EdgeAccess.Grpc.Services;

/// <summary>Log messages of the health service (event ids 1200-1219).</summary>
internal static partial class HealthServiceLog
{
    [LoggerMessage(EventId = 1200, EventName = "HealthStatusChanged", Level = LogLevel.Debug,
        Message = "Health status of '{Service}' is now {Status}.")]
    public static partial void StatusChanged(ILogger logger, string service, ServingStatus status);

    [LoggerMessage(EventId = 1201, EventName = "HealthStatusIgnoredAfterShutdown", Level = LogLevel.Debug,
        Message = "Ignored health status {Status} for '{Service}': the health service has shut down.")]
    public static partial void StatusIgnoredAfterShutdown(ILogger logger, string service, ServingStatus status);

    [LoggerMessage(EventId = 1202, EventName = "HealthShutDown", Level = LogLevel.Information,
        Message = "Health service shut down: every service is NOT_SERVING; ending {WatcherCount} Watch call(s).")]
    public static partial void ShutDown(ILogger logger, int watcherCount);
}

/// <summary>Log messages of the reflection service (event ids 1220-1239).</summary>
internal static partial class ReflectionServiceLog
{
    [LoggerMessage(EventId = 1220, EventName = "ReflectionRequestNotFound", Level = LogLevel.Debug,
        Message = "Reflection request {Request} for '{Name}' found nothing; answered NOT_FOUND.")]
    public static partial void NotFound(ILogger logger, string request, string name);

    [LoggerMessage(EventId = 1221, EventName = "ReflectionIndexBuilt", Level = LogLevel.Debug,
        Message = "Reflection index built over {ServiceCount} service(s), {FileCount} file(s) and {SymbolCount} symbol(s).")]
    public static partial void IndexBuilt(ILogger logger, int serviceCount, int fileCount, int symbolCount);
}
