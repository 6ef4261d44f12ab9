using EdgeAccess.Cloud.Auth;

namespace EdgeAccess.Cloud.Booking;

/// <summary>Maps the booking API.</summary>
public static class BookingExtensions
{
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
