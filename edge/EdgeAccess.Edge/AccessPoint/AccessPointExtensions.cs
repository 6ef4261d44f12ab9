using EdgeAccess.Edge.Doors;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Grpc.Server;

namespace EdgeAccess.Edge.AccessPoint;

/// <summary>Wiring of the local door API (<c>edgeaccess.v1.AccessPoint</c>).</summary>
public static class AccessPointExtensions
{
    /// <summary>Registers the options, the replica/journal loader (a hosted service) and the decider.</summary>
    public static WebApplicationBuilder AddEdgeAccessAccessPoint(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AccessPointOptions>().BindConfiguration(AccessPointOptions.SectionName)
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                // The same deployment secret the hub reads; lets a node share the hub's secret environment.
                if (string.IsNullOrEmpty(options.CardHashKey))
                {
                    options.CardHashKey = configuration["EdgeAccess:Secrets:CardHashKey"] ?? "";
                }
            })
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ReplicaOptions>().BindConfiguration(ReplicaOptions.SectionName);
        builder.Services.AddSingleton<ReplicaIndexLoader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicaIndexLoader>());
        builder.Services.AddSingleton<DoorControl>();
        builder.Services.AddSingleton<DoorDecisions>();
        return builder;
    }

    /// <summary>Maps the service on the node's gRPC (h2c) and gRPC-web listeners.</summary>
    public static WebApplication MapEdgeAccessAccessPoint(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<AccessPointService>();
        return app;
    }
}
