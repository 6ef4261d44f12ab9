using System.Globalization;
using EdgeAccess.Grpc.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Grpc.Server.Internal;

/// <summary>
/// The lowest-priority route <c>/{service}/{method}</c>: a gRPC call that no mapped method matched
/// answers UNIMPLEMENTED in a Trailers-Only response (PROTOCOL-HTTP2), naming whether the service
/// or only the method is unknown. Requests that are not gRPC fall through as 404.
/// </summary>
internal static class UnimplementedEndpoint
{
    private sealed class Marker;

    public static void MapOnce(IEndpointRouteBuilder routes)
    {
        if (routes.DataSources.SelectMany(d => d.Endpoints).Any(e => e.Metadata.GetMetadata<Marker>() is not null))
        {
            return;
        }

        var builder = routes.MapPost("{unimplementedService}/{unimplementedMethod}", HandleAsync)
            .WithDisplayName("gRPC - unimplemented")
            .WithMetadata(new Marker());
        builder.Add(b => ((RouteEndpointBuilder)b).Order = int.MaxValue);
    }

    private static Task HandleAsync(HttpContext http)
    {
        var web = http.Features.Get<GrpcWebFeature>();
        if (web is null && !GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeAccess.Grpc.Server");
        if (!ServerCallRunner.CheckProtocol(http, logger))
        {
            return Task.CompletedTask;
        }

        var service = (string)http.GetRouteValue("unimplementedService")!;
        var registry = http.RequestServices.GetRequiredService<GrpcServiceRegistry>();
        var message = registry.Contains(service)
            ? $"Method {http.Request.Path} is unimplemented."
            : $"Service {service} is unimplemented.";
        GrpcServerLog.UnimplementedMethod(logger, http.Request.Path);

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = web?.ResponseContentType ?? GrpcProtocol.ContentTypeGrpc;
        http.Response.Headers[GrpcProtocol.StatusHeader] = ((int)StatusCode.Unimplemented).ToString(CultureInfo.InvariantCulture);
        http.Response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(message);
        return Task.CompletedTask;
    }
}
