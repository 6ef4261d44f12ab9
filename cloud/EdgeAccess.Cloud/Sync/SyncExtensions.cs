using EdgeAccess.Cloud.Auth;

namespace EdgeAccess.Cloud.Sync;

/// <summary>The edge sync stream (<c>edgeaccess.v1.EdgeSync</c>).</summary>
public static class SyncExtensions
{
    /// <summary>Registers <see cref="SyncOptions"/> (<c>EdgeAccess:Sync</c>, validated at start) and the stream's services.</summary>
    public static WebApplicationBuilder AddEdgeAccessSync(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SyncRegistry>();
        builder.Services.AddSingleton<SyncStore>();
        builder.Services.AddSingleton<SiteDigestCache>();
        builder.Services.AddSingleton<NodeAccountSync>();
        return builder;
    }

    /// <summary>Maps <c>edgeaccess.v1.EdgeSync</c> (anonymous to the interceptor; it checks the node token itself).</summary>
    public static WebApplication MapEdgeAccessSync(this WebApplication app)
    {
        app.MapAdminService<SyncGrpcService>();
        return app;
    }
}
