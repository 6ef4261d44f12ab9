using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Rights;

namespace EdgeAccess.Cloud.Booking;

/// <summary>Registers the booking background work and maps the booking API.</summary>
public static class BookingExtensions
{
    /// <summary>
    /// Registers the <see cref="BookingPruner"/> with its <see cref="BookingPruneOptions"/>
    /// (<c>EdgeAccess:Booking:Pruning</c>, validated at start; the rights compiler reads the same
    /// retention).
    /// </summary>
    public static WebApplicationBuilder AddEdgeAccessBooking(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BookingPruneOptions>().BindConfiguration(BookingPruneOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<BookingPruner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BookingPruner>());
        return builder;
    }

    /// <summary>
    /// Maps <c>edgeaccess.v1.BookingService</c> with its <see cref="AllowAttribute"/> rules. It needs
    /// <c>HubDbContext</c>, <c>HubChanges</c>, <c>Idempotency</c>, a <c>TimeProvider</c> and auth,
    /// which the hub registers already.
    /// </summary>
    public static WebApplication MapEdgeAccessBooking(this WebApplication app)
    {
        app.MapAdminService<BookingGrpcService>();
        return app;
    }
}
