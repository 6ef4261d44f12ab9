using EdgeAccess.Cloud.Admin.Grants;
using EdgeAccess.Cloud.Admin.Schedules;
using EdgeAccess.Cloud.Auth;

namespace EdgeAccess.Cloud.Admin.Sites;

/// <summary>Maps the admin services for sites, doors, schedules, holiday calendars, schemes and grants.</summary>
public static class AdminSitesExtensions
{
    /// <summary>
    /// Maps <c>edgeaccess.v1.SiteService</c>, <c>ScheduleService</c> and <c>GrantService</c> with
    /// their <see cref="AllowAttribute"/> rules. They need <c>HubDbContext</c>, <c>HubChanges</c>,
    /// <c>Idempotency</c>, a <c>TimeProvider</c> and auth (<c>AddEdgeAccessAuth</c>), which the hub
    /// registers already.
    /// </summary>
    public static WebApplication MapEdgeAccessSitesAdmin(this WebApplication app)
    {
        app.MapAdminService<SiteGrpcService>();
        app.MapAdminService<ScheduleGrpcService>();
        app.MapAdminService<GrantGrpcService>();
        return app;
    }
}
