namespace EdgeAccess.Cloud.Booking;

/// <summary>Log events of the booking service (event ids 3700-3749).</summary>
internal static partial class BookingLog
{
    [LoggerMessage(3700, LogLevel.Information, "{Actor} booked resource {Resource} for {Start:o}: booking {Booking} ({Status})", EventName = "BookingCreated")]
    public static partial void Created(ILogger logger, string actor, Guid resource, DateTimeOffset start, Guid booking, string status);

    [LoggerMessage(3701, LogLevel.Information, "Resource {Resource} is taken at {Start:o}; {Alternatives} alternatives offered", EventName = "BookingConflict")]
    public static partial void Conflict(ILogger logger, Guid resource, DateTimeOffset start, int alternatives);

    [LoggerMessage(3702, LogLevel.Warning, "{Actor} booked resource {Resource} past its rules (override)", EventName = "BookingRulesOverridden")]
    public static partial void Overridden(ILogger logger, string actor, Guid resource);

    [LoggerMessage(3703, LogLevel.Information, "{Actor} changed booking {Booking}: {Change}", EventName = "BookingChanged")]
    public static partial void Changed(ILogger logger, string actor, Guid booking, string change);

    [LoggerMessage(3704, LogLevel.Information, "{Actor} booked series {Series}: {Booked} booked, {Conflicts} conflicts", EventName = "BookingSeriesCreated")]
    public static partial void Series(ILogger logger, string actor, Guid series, int booked, int conflicts);

    [LoggerMessage(3705, LogLevel.Information, "{Actor} {Action} {Kind} {Id}", EventName = "BookingAdminChange")]
    public static partial void Admin(ILogger logger, string actor, string action, string kind, Guid id);
}
