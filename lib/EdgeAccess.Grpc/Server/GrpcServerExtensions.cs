using System.Reflection;
using EdgeAccess.Grpc.Interceptors;
using EdgeAccess.Grpc.Server.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Grpc.Server;

/// <summary>Registers the gRPC server and maps services.</summary>
public static class GrpcServerExtensions
{
    /// <summary>
    /// Adds the gRPC server. Options come from the <c>Grpc:Server</c> configuration section, then
    /// <paramref name="configure"/>; they are validated at start.
    /// </summary>
    public static IServiceCollection AddEdgeAccessGrpc(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        services.AddRouting();
        var options = services.AddOptions<GrpcServerOptions>().BindConfiguration("Grpc:Server").ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton(sp => new ServerCallRunner(
            sp.GetRequiredService<IOptions<GrpcServerOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeAccess.Grpc.Server")));
        return services;
    }

    /// <summary>
    /// Maps every method of the protobuf service that <typeparamref name="TService"/> implements
    /// (it derives from a generated <c>ServiceBase</c>). Calls to unknown services or methods of this
    /// server answer UNIMPLEMENTED.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder routes)
        where TService : class
    {
        var baseType = FindServiceBase(typeof(TService))
            ?? throw new InvalidOperationException($"{typeof(TService)} does not derive from a generated gRPC ServiceBase class.");
        var map = typeof(GrpcServerExtensions).GetMethod(nameof(MapCore), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(baseType, typeof(TService));
        var endpoints = (IEndpointConventionBuilder)map.Invoke(null, [routes])!;
        UnimplementedEndpoint.MapOnce(routes);
        return endpoints;
    }

    private static IEndpointConventionBuilder MapCore<TBase, TImpl>(IEndpointRouteBuilder routes)
        where TBase : class, IGrpcServiceBase<TBase>
        where TImpl : class, TBase
    {
        var services = routes.ServiceProvider;
        var runner = services.GetService<ServerCallRunner>()
            ?? throw new InvalidOperationException("Call services.AddEdgeAccessGrpc() before mapping gRPC services.");
        var interceptors = new List<Interceptor>(runner.Options.Interceptors);
        interceptors.AddRange(runner.Options.InterceptorTypes.Select(t => (Interceptor)ActivatorUtilities.GetServiceOrCreateInstance(services, t)));

        var binder = new EndpointServiceBinder<TBase, TImpl>(routes, TBase.Descriptor, runner, interceptors);
        TBase.BindService(binder);
        services.GetRequiredService<GrpcServiceRegistry>().Add(TBase.Descriptor);
        return new CompositeConventionBuilder(binder.Endpoints);
    }

    private static Type? FindServiceBase(Type type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            var marker = current.GetInterfaces().FirstOrDefault(i =>
                i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IGrpcServiceBase<>) && i.GetGenericArguments()[0] == current);
            if (marker is not null)
            {
                return current;
            }
        }

        return null;
    }

    private sealed class CompositeConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
