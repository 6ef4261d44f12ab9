using EdgeAccess.Edge.AccessPoint;
using EdgeAccess.Edge.HubLink;
using EdgeAccess.Edge.LabPolicy;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Services;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Edge;

/// <summary>The edge node's own services. Replica, decisions and journal grow here.</summary>
public static class EdgeExtensions
{
    /// <summary>Registers the edge node's services.</summary>
    public static WebApplicationBuilder AddEdgeAccessEdge(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EdgeOptions>().BindConfiguration("EdgeAccess:Edge").ValidateDataAnnotations().ValidateOnStart();
        // Before the workers below: they use the replica it opens, and hosted services start in order.
        builder.AddEdgeAccessAccessPoint();
        builder.Services.AddSingleton(sp => HubChannelFactory.Create(sp.GetRequiredService<IOptions<EdgeOptions>>().Value, sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HubChannelFactory).FullName!)));
        builder.Services.AddSingleton<HubLinkState>();
        builder.Services.AddHostedService<HubLinkWorker>();
        builder.Services.AddSingleton<SyncStatus>();
        builder.Services.AddHostedService<SyncWorker>();
        builder.Services.AddHostedService<IntegrityCheck>();
        builder.AddEdgeAccessLabGrants();
        builder.AddEdgeAccessLabPolicy();
        builder.Services.AddHealthChecks().AddCheck<HubLinkHealthCheck>("hub-link");
        builder.Services.AddEdgeAccessGrpcHealth();
        builder.Services.AddEdgeAccessGrpcReflection();
        return builder;
    }

    /// <summary>Maps the edge node's gRPC services.</summary>
    public static WebApplication MapEdgeAccessEdge(this WebApplication app)
    {
        app.MapGrpcHealth();
        app.MapGrpcReflection();
        app.MapEdgeAccessAccessPoint();
        return app;
    }
}
