using EdgeAccess.Grpc.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EdgeAccess.Grpc.Web;

/// <summary>Enables gRPC-web and CORS for browser clients.</summary>
public static class GrpcWebExtensions
{
    /// <summary>The CORS policy name used for gRPC-web.</summary>
    public const string CorsPolicyName = "EdgeAccess.GrpcWeb";

    private static readonly string[] ProtocolHeaders =
    [
        GrpcProtocol.StatusHeader, GrpcProtocol.MessageHeader, GrpcProtocol.EncodingHeader, GrpcProtocol.AcceptEncodingHeader,
    ];

    /// <summary>Adds gRPC-web options (section <c>Grpc:Web</c>) and the CORS policy they describe.</summary>
    public static IServiceCollection AddEdgeAccessGrpcWeb(this IServiceCollection services, Action<GrpcWebOptions>? configure = null)
    {
        var options = services.AddOptions<GrpcWebOptions>().BindConfiguration("Grpc:Web");
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<GrpcWebOptions>>((cors, web) => cors.AddPolicy(CorsPolicyName, policy =>
            {
                var value = web.Value;
                policy.WithOrigins([.. value.AllowedOrigins])
                    .WithMethods("POST", "OPTIONS")
                    .AllowAnyHeader()
                    .WithExposedHeaders([.. ProtocolHeaders, .. value.ExposedHeaders])
                    .SetPreflightMaxAge(value.PreflightMaxAge);
            }));
        return services;
    }

    /// <summary>Serves gRPC-web on the gRPC endpoints and answers CORS for the configured origins.</summary>
    public static IApplicationBuilder UseEdgeAccessGrpcWeb(this IApplicationBuilder app)
    {
        // CORS concerns browsers only, and a browser sends Origin on every cross-origin call and
        // preflight; native gRPC clients never do, so their calls skip the CORS work entirely.
        app.UseWhen(http => http.Request.Headers.ContainsKey(HeaderNames.Origin), browser => browser.UseCors(CorsPolicyName));
        return app.UseMiddleware<GrpcWebMiddleware>();
    }
}
