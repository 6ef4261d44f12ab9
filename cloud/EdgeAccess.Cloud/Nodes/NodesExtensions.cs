using EdgeAccess.Cloud.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAccess.Cloud.Nodes;

/// <summary>The edge node registry, enrollment and node authentication.</summary>
public static class NodesExtensions
{
    /// <summary>
    /// Registers <see cref="NodeOptions"/> (<c>EdgeAccess:Nodes</c>, validated at start) and the
    /// <see cref="NodeAuthenticator"/>. Needs the hub's storage (<c>NpgsqlDataSource</c>).
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessNodes(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NodeAuthenticator>();
        return builder;
    }

    /// <summary>Maps <c>edgeaccess.v1.NodeService</c> and <c>edgeaccess.v1.EnrollmentService</c> with their access rules.</summary>
    public static WebApplication MapEdgeAccessNodes(this WebApplication app)
    {
        app.MapAdminService<NodeGrpcService>();
        app.MapAdminService<EnrollmentGrpcService>();
        return app;
    }
}
