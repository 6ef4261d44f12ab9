using EdgeAccess.Cloud.Rights.Compiler;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAccess.Cloud.Rights;

/// <summary>Registers the rights compiler and the change processor.</summary>
public static class RightsExtensions
{
    /// <summary>Adds <see cref="HubChanges"/> and <see cref="RightsCompiler"/>.</summary>
    public static IServiceCollection AddEdgeAccessRights(this IServiceCollection services)
    {
        services.AddSingleton<RightsCompiler>();
        services.AddSingleton<HubChanges>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
