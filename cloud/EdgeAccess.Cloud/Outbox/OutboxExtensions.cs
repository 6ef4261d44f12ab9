using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Outbox;

/// <summary>Registers the transactional outbox and its handlers.</summary>
public static class OutboxExtensions
{
    /// <summary>
    /// Adds <see cref="OutboxOptions"/> (<c>EdgeAccess:Outbox</c>, validated at start), the
    /// <see cref="OutboxListener"/> and the <see cref="OutboxDispatcher"/> as hosted services. The
    /// dispatcher's lease owner is <c>EdgeAccess:InstanceId</c> plus a random suffix, so several
    /// processes configured alike never share one.
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessOutbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.HandlerTimeout < o.LeaseDuration, "EdgeAccess:Outbox:HandlerTimeout must be shorter than LeaseDuration, or a live worker could lose its lease")
            .Validate(o => o.RetryBaseDelay <= o.RetryMaxDelay, "EdgeAccess:Outbox:RetryBaseDelay must not exceed RetryMaxDelay")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OutboxListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxListener>());
        var instance = $"{builder.Configuration["EdgeAccess:InstanceId"] ?? "hub"}/{Guid.NewGuid().ToString("N")[..8]}";
        builder.Services.AddSingleton(sp => new OutboxDispatcher(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IServiceScopeFactory>(), sp.GetServices<OutboxHandlerRegistration>(),
            sp.GetRequiredService<IOptions<OutboxOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<OutboxDispatcher>>(),
            instance, sp.GetRequiredService<OutboxListener>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return builder;
    }

    /// <summary>
    /// Routes messages of <paramref name="topic"/> to <typeparamref name="THandler"/> (scoped: one
    /// instance per message). A later registration of the same topic replaces an earlier one.
    /// </summary>
    public static IServiceCollection AddOutboxHandler<THandler>(this IServiceCollection services, string topic)
        where THandler : class, IOutboxHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        services.TryAddScoped<THandler>();
        services.AddSingleton(new OutboxHandlerRegistration(topic, typeof(THandler)));
        return services;
    }
}
