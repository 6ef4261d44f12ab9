using EdgeAccess.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAccess.Grpc.Services;

/// <summary>Registers and maps the gRPC reflection service, <c>grpc.reflection.v1alpha.ServerReflection</c>.</summary>
public static class GrpcReflectionServiceExtensions
{
    /// <summary>Adds <see cref="ReflectionService"/> as a singleton.</summary>
    public static IServiceCollection AddEdgeAccessGrpcReflection(this IServiceCollection services)
    {
        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton<ReflectionService>();
        return services;
    }

    /// <summary>
    /// Maps <c>grpc.reflection.v1alpha.ServerReflection</c>. It describes every service mapped on
    /// this server, itself included; map it only where describing them is acceptable (reflection
    /// tells a caller every method and message of the API).
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="AddEdgeAccessGrpcReflection"/> was not called.</exception>
    public static IEndpointConventionBuilder MapGrpcReflection(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<ReflectionService>() is null)
        {
            throw new InvalidOperationException("Call services.AddEdgeAccessGrpcReflection() before mapping the gRPC reflection service.");
        }

        return endpoints.MapGrpcService<ReflectionService>();
    }
}
