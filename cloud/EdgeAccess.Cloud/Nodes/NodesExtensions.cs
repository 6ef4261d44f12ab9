using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Nodes.Commands;
using EdgeAccess.Cloud.Nodes.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAccess.Cloud.Nodes;

/// <summary>The edge node registry, enrollment and node authentication.</summary>
public static class NodesExtensions
{
    /// <summary>
    /// Registers <see cref="NodeOptions"/> (<c>EdgeAccess:Nodes</c>, validated at start), the
    /// <see cref="NodeAuthenticator"/>, the node watchdog (<see cref="WatchdogOptions"/>,
    /// <c>EdgeAccess:Watchdog</c>) and the command queue with its <see cref="CommandNotifier"/>.
    /// Needs the hub's storage (<c>NpgsqlDataSource</c>) and the sync options.
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessNodes(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NodeAuthenticator>();
        builder.Services.AddOptions<WatchdogOptions>().BindConfiguration(WatchdogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<NodeStatusReader>();
        builder.Services.AddSingleton<NodeWatchdog>();
        builder.Services.AddHostedService<NodeWatchdogService>();
        builder.Services.AddSingleton<NodeCommandStore>();
        builder.Services.AddSingleton<CommandNotifier>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CommandNotifier>());
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
