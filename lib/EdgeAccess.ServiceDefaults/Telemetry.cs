using System.Reflection;
using EdgeAccess.Grpc.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EdgeAccess.ServiceDefaults;

/// <summary>
/// OpenTelemetry for every EdgeAccess process: traces, metrics and logs, exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or <c>OpenTelemetry:Endpoint</c>) is set. The hosting
/// and instrumentation packages of OpenTelemetry do not restore here, so the providers are built
/// directly and subscribe by name to what ASP.NET Core, Kestrel, HttpClient, the runtime and the
/// gRPC layer already emit.
/// </summary>
public static class Telemetry
{
    private static readonly string[] FrameworkSources = ["Microsoft.AspNetCore"];

    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "System.Net.Http", "System.Net.NameResolution", "System.Runtime",
    ];

    /// <summary>Adds tracing, metrics and logging for <paramref name="serviceName"/> and the given extra sources and meters.</summary>
    public static WebApplicationBuilder AddEdgeAccessTelemetry(this WebApplicationBuilder builder, string serviceName, params string[] sources)
    {
        var endpoint = builder.Configuration["OpenTelemetry:Endpoint"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0";
        var instance = builder.Configuration["EdgeAccess:InstanceId"] ?? Environment.MachineName;
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName, serviceVersion: version, serviceInstanceId: instance);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return builder;
        }

        var otlp = new Uri(endpoint);
        var tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource([GrpcTelemetry.Name, .. FrameworkSources, .. sources])
            .AddOtlpExporter(o => o.Endpoint = otlp)
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter([GrpcTelemetry.Name, .. FrameworkMeters, .. sources])
            .AddOtlpExporter(o => o.Endpoint = otlp)
            .Build();
        // Disposed by the container at shutdown, which flushes what is still buffered.
        builder.Services.AddSingleton(tracer);
        builder.Services.AddSingleton(meter);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.SetResourceBuilder(resource);
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.AddOtlpExporter(o => o.Endpoint = otlp);
        });
        return builder;
    }
}
