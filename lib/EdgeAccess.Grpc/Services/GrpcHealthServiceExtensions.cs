using EdgeAccess.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace EdgeAccess.Grpc.Services;

/// <summary>Registers and maps the gRPC health service, <c>grpc.health.v1.Health</c>.</summary>
public static class GrpcHealthServiceExtensions
{
    /// <summary>
    /// Adds <see cref="HealthService"/> as a singleton (resolve it to set statuses) and hooks it to
    /// the host: when the application starts stopping, <see cref="HealthService.Shutdown"/> turns
    /// every status NOT_SERVING (so load balancers drain the server) and ends the Watch calls.
    /// </summary>
    public static IServiceCollection AddEdgeAccessGrpcHealth(this IServiceCollection services)
    {
        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton<HealthService>();
        services.TryAddEnumerable(Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton<IHostedService, HealthShutdownHook>());
        return services;
    }

    /// <summary>Maps <c>grpc.health.v1.Health</c> (Check and Watch).</summary>
    /// <exception cref="InvalidOperationException"><see cref="AddEdgeAccessGrpcHealth"/> was not called.</exception>
    public static IEndpointConventionBuilder MapGrpcHealth(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<HealthService>() is null)
        {
            throw new InvalidOperationException("Call services.AddEdgeAccessGrpcHealth() before mapping the gRPC health service.");
        }

        return endpoints.MapGrpcService<HealthService>();
    }

    /// <summary>Calls <see cref="HealthService.Shutdown"/> when the application starts stopping, before the server drains its requests.</summary>
    private sealed class HealthShutdownHook(HealthService health, IHostApplicationLifetime lifetime) : IHostedService, IDisposable
    {
        private CancellationTokenRegistration _registration;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _registration = lifetime.ApplicationStopping.Register(health.Shutdown);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            // Normally done already by ApplicationStopping; covers hosts stopped without it.
            health.Shutdown();
            return Task.CompletedTask;
        }

        public void Dispose() => _registration.Dispose();
    }
}
