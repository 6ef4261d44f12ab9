using System.Net;
using System.Security.Cryptography.X509Certificates;
using EdgeAccess.Grpc.Hosting;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Grpc.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeAccess.ServiceDefaults;

/// <summary>The shared wiring of the hub and the edge node.</summary>
public static class ServiceDefaultsExtensions
{
    private const string LiveTag = "live";

    /// <summary>
    /// The process identity (<paramref name="component"/>, <paramref name="nodeId"/>), telemetry, health checks, the gRPC server (with gRPC-web) and its endpoints from the
    /// <c>EdgeAccess:Endpoints</c> section, validated at start.
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessServiceDefaults(
        this WebApplicationBuilder builder, string component, string nodeId, string serviceName, params string[] telemetrySources)
    {
        builder.AddEdgeAccessTelemetry(serviceName, telemetrySources);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new ProcessIdentity(component, nodeId, sp.GetRequiredService<TimeProvider>().GetUtcNow()));
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddEdgeAccessGrpc();
        builder.Services.AddEdgeAccessGrpcWeb();

        var section = builder.Configuration.GetSection("EdgeAccess:Endpoints");
        builder.Services.AddOptions<EndpointOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var endpoints = section.Get<EndpointOptions>() ?? new EndpointOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ApplyGrpcLimits();
            var address = IPAddress.Parse(endpoints.Address);
            kestrel.ListenGrpc(address, endpoints.GrpcPort);
            if (endpoints.WebPort is { } web)
            {
                kestrel.ListenGrpcWeb(address, web);
            }

            if (!string.IsNullOrEmpty(endpoints.UnixSocketPath))
            {
                kestrel.ListenGrpcUnixSocket(endpoints.UnixSocketPath);
            }

            if (endpoints.TlsPort is { } tls)
            {
                var path = endpoints.CertificatePath
                    ?? throw new InvalidOperationException("EdgeAccess:Endpoints:TlsPort needs EdgeAccess:Endpoints:CertificatePath.");
                var certificate = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
                    ? X509Certificate2.CreateFromPemFile(path)
                    : X509CertificateLoader.LoadPkcs12FromFile(path, endpoints.CertificatePassword);
                kestrel.ListenGrpcTls(address, tls, certificate);
            }
        });
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (ready: every check passes) and <c>/alive</c> (the process answers), and
    /// turns on gRPC-web and CORS for the configured browser origins.
    /// </summary>
    public static WebApplication MapEdgeAccessServiceDefaults(this WebApplication app)
    {
        app.UseEdgeAccessGrpcWeb();
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapGrpcService<ServerInfoGrpcService>();
        return app;
    }
}
