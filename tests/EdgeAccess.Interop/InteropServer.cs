using EdgeAccess.Grpc.Hosting;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Grpc.Services;
using EdgeAccess.Grpc.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Interop;

/// <summary>Hosts <see cref="TestServiceImpl"/> on loopback: h2c on the port, gRPC-web over HTTP/1.1 on the web port.</summary>
public static class InteropServer
{
    public static WebApplication Build(int port, int? webPort, IReadOnlyList<string> corsOrigins)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ApplyGrpcLimits();
            kestrel.ListenLocalhostGrpc(port);
            if (webPort is { } web)
            {
                kestrel.ListenLocalhostGrpcWeb(web);
            }
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddEdgeAccessGrpc();
        builder.Services.AddEdgeAccessGrpcHealth();
        builder.Services.AddEdgeAccessGrpcReflection();
        builder.Services.AddEdgeAccessGrpcWeb(web =>
        {
            foreach (var origin in corsOrigins)
            {
                web.AllowedOrigins.Add(origin);
            }

            // The interop cases read echoed custom metadata from the browser too.
            web.ExposedHeaders.Add("x-grpc-test-echo-initial");
            web.ExposedHeaders.Add("x-grpc-test-echo-trailing-bin");
        });

        var app = builder.Build();
        app.UseEdgeAccessGrpcWeb();
        app.MapGrpcService<TestServiceImpl>();
        app.MapGrpcHealth();
        app.MapGrpcReflection();
        return app;
    }
}
