using EdgeAccess.Cloud.Auth;

namespace EdgeAccess.Cloud.Admin.Access;

/// <summary>Wiring of the access query API (explain access, who can open).</summary>
public static class AccessQueryExtensions
{
    /// <summary>
    /// Maps <c>edgeaccess.v1.AccessQueryService</c> with its <see cref="AllowAttribute"/> rules. It
    /// needs <c>HubDbContext</c>, a <c>TimeProvider</c>, auth (<c>AddEdgeAccessAuth</c>) and the
    /// <c>CardNumberHasher</c> that <c>AddEdgeAccessPeopleAdmin</c> registers.
    /// </summary>
    public static WebApplication MapEdgeAccessAccessQueries(this WebApplication app)
    {
        app.MapAdminService<AccessQueryGrpcService>();
        return app;
    }
}
