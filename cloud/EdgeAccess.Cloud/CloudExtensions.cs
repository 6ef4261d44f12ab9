using EdgeAccess.Cloud.Admin.Access;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Booking.Notifications;
using EdgeAccess.Cloud.Journal;
using EdgeAccess.Cloud.Nodes;
using EdgeAccess.Cloud.Notifications;
using EdgeAccess.Cloud.Outbox;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Storage;
using EdgeAccess.Cloud.Sync;
using EdgeAccess.Grpc.Services;

namespace EdgeAccess.Cloud;

/// <summary>The hub's own services. The domain (rights, feeds, bookings) grows here.</summary>
public static class CloudExtensions
{
    /// <summary>Registers the hub's services.</summary>
    public static WebApplicationBuilder AddEdgeAccessCloud(this WebApplicationBuilder builder)
    {
        builder.AddEdgeAccessStorage();
        builder.Services.AddEdgeAccessRights();
        builder.Services.AddSingleton<Admin.Common.Idempotency>();
        builder.Services.AddOptions<Feed.FeedOptions>().BindConfiguration(Feed.FeedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Feed.FeedMaintenanceService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Feed.FeedMaintenanceService>());
        builder.AddEdgeAccessAuth();
        builder.AddEdgeAccessPeopleAdmin();
        builder.AddEdgeAccessNodes();
        builder.AddEdgeAccessSync();
        builder.AddEdgeAccessJournal();
        builder.AddEdgeAccessOutbox().AddEdgeAccessNotifications().AddEdgeAccessBookingNotifications();
        Booking.BookingExtensions.AddEdgeAccessBooking(builder);
        builder.Services.AddHostedService<Demo.DemoSeeder>();
        builder.Services.AddEdgeAccessGrpcHealth();
        builder.Services.AddEdgeAccessGrpcReflection();
        return builder;
    }

    /// <summary>Maps the hub's gRPC services.</summary>
    public static WebApplication MapEdgeAccessCloud(this WebApplication app)
    {
        app.MapGrpcHealth();
        app.MapGrpcReflection();
        app.MapEdgeAccessAuth();
        app.MapEdgeAccessSitesAdmin();
        app.MapEdgeAccessPeopleAdmin();
        app.MapEdgeAccessAccessQueries();
        app.MapEdgeAccessNodes();
        app.MapEdgeAccessSync();
        app.MapEdgeAccessJournal();
        Booking.BookingExtensions.MapEdgeAccessBooking(app);
        app.MapEdgeAccessBookingNotifications();
        return app;
    }
}
