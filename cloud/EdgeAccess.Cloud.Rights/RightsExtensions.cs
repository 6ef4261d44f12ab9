using EdgeAccess.Cloud.Rights.Compiler;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAccess.Cloud.Rights;

/// <summary>Registers the rights compiler and the change processor.</summary>
public static class RightsExtensions
{
    /// <summary>
    /// Adds <see cref="HubChanges"/> and <see cref="RightsCompiler"/>. The compiler reads
    /// <see cref="BookingPruneOptions"/> (defaults unless the host binds them).
    /// </summary>
    public static IServiceCollection AddEdgeAccessRights(this IServiceCollection services)
    {
        services.AddOptions<BookingPruneOptions>();
        services.AddSingleton<RightsCompiler>();
        services.AddSingleton<HubChanges>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
