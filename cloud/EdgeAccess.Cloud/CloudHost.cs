using EdgeAccess.ServiceDefaults;

namespace EdgeAccess.Cloud;

/// <summary>Builds the hub application; <c>Program</c> and the functional tests share it.</summary>
public static class CloudHost
{
    /// <summary>Builds the hub from command-line arguments (configuration overrides).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddEdgeAccessServiceDefaults("cloud", builder.Configuration["EdgeAccess:InstanceId"] ?? "hub", "edgeaccess-cloud", CloudTelemetry.Name);
        builder.AddEdgeAccessCloud();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapEdgeAccessServiceDefaults();
        app.MapEdgeAccessCloud();
        return app;
    }
}
