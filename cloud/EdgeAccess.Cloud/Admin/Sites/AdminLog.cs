namespace EdgeAccess.Cloud.Admin.Sites;

/// <summary>Log events of the site, schedule and grant admin services (event ids 3200-3249).</summary>
internal static partial class AdminLog
{
    [LoggerMessage(3200, LogLevel.Information, "{Actor} created {Kind} {Id}", EventName = "AdminEntityCreated")]
    public static partial void Created(ILogger logger, string actor, string kind, Guid id);

    [LoggerMessage(3201, LogLevel.Information, "{Actor} updated {Kind} {Id} (etag {Etag})", EventName = "AdminEntityUpdated")]
    public static partial void Updated(ILogger logger, string actor, string kind, Guid id, long etag);

    [LoggerMessage(3202, LogLevel.Information, "{Actor} deleted {Kind} {Id}", EventName = "AdminEntityDeleted")]
    public static partial void Deleted(ILogger logger, string actor, string kind, Guid id);

    [LoggerMessage(3203, LogLevel.Information, "{Actor} refused to delete {Kind} {Id}: still in use", EventName = "AdminDeleteRefused")]
    public static partial void DeleteRefused(ILogger logger, string actor, string kind, Guid id);
}
