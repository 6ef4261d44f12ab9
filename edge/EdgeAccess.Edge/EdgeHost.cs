using EdgeAccess.ServiceDefaults;

namespace EdgeAccess.Edge;

/// <summary>Builds the edge node application; <c>Program</c> and the functional tests share it.</summary>
public static class EdgeHost
{
    /// <summary>Builds the edge node from command-line arguments (configuration overrides).</summary>
    /// <param name="args">Command-line arguments, e.g. <c>--EdgeAccess:Edge:NodeId=edge-1</c>.</param>
    /// <param name="configure">Optional changes after the node registered its services (tests: a fake clock).</param>
    /// <returns>The application, not started.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddEdgeAccessServiceDefaults("edge", builder.Configuration["EdgeAccess:Edge:NodeId"] ?? "edge", "edgeaccess-edge", EdgeTelemetry.Name);
        builder.AddEdgeAccessEdge();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapEdgeAccessServiceDefaults();
        app.MapEdgeAccessEdge();
        return app;
    }
}
