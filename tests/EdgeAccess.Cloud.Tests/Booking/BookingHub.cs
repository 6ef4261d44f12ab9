using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Booking;

/// <summary>
/// A real hub (<see cref="AuthHub"/>: its clock, PostgreSQL, sockets) with the booking, site,
/// people and group clients, and helpers that build a site, a resource with rules, and people with
/// signed-in users linked to them.
/// </summary>
public sealed class BookingHub : AuthHub, IAsyncLifetime
{
    public BookingService.Client Booking { get; private set; } = null!;

    public SiteService.Client Sites { get; private set; } = null!;

    public PersonService.Client People { get; private set; } = null!;

    public GroupService.Client Groups { get; private set; } = null!;

    public MembershipService.Client Memberships { get; private set; } = null!;

    /// <summary>Call options of a signed-in operator.</summary>
    public CallOptions Operator { get; private set; }

    /// <summary>Call options of a signed-in member without a linked person.</summary>
    public CallOptions Member { get; private set; }

    /// <summary>A UTC site every test may put resources on.</summary>
    public string SiteId { get; private set; } = "";

    /// <summary>Creates the clients and the shared UTC site.</summary>
    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Booking = new BookingService.Client(Host.Channel);
        Sites = new SiteService.Client(Host.Channel);
        People = new PersonService.Client(Host.Channel);
        Groups = new GroupService.Client(Host.Channel);
        Memberships = new MembershipService.Client(Host.Channel);
        SiteId = await CreateSiteAsync("UTC");
        Operator = await SignInAsync(UserRole.Operator);
        Member = await SignInAsync(UserRole.Member);
    }

    public async Task<string> CreateSiteAsync(string zone) =>
        (await Sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = "site-" + Guid.NewGuid().ToString("N")[..8], TimeZone = zone } }, Admin).ResponseAsync.WithTimeout()).Id;

    /// <summary>A resource on <paramref name="siteId"/> (default: the UTC site) with its rules edited by <paramref name="rules"/>.</summary>
    public async Task<string> CreateResourceAsync(Action<ResourceRules>? rules = null, string? siteId = null)
    {
        var resource = await Booking.CreateResourceAsync(new CreateResourceRequest
        {
            Resource = new BookableResource { SiteId = siteId ?? SiteId, Name = "res-" + Guid.NewGuid().ToString("N")[..8], Kind = ResourceKind.LabInstallation },
        }, Admin).ResponseAsync.WithTimeout();
        if (rules is not null)
        {
            var current = await Booking.GetResourceRulesAsync(new GetResourceRulesRequest { ResourceId = resource.Id }, Admin).ResponseAsync.WithTimeout();
            rules(current);
            await Booking.UpdateResourceRulesAsync(new UpdateResourceRulesRequest { Rules = current }, Admin).ResponseAsync.WithTimeout();
        }

        return resource.Id;
    }

    public async Task<string> CreatePersonAsync() =>
        (await People.CreatePersonAsync(new CreatePersonRequest { Person = new Person { DisplayName = "p-" + Guid.NewGuid().ToString("N")[..8] } }, Admin).ResponseAsync.WithTimeout()).Id;

    /// <summary>A user of <paramref name="role"/> linked to a new person; returns both.</summary>
    public async Task<(CallOptions Call, string PersonId)> SignInWithPersonAsync(UserRole role)
    {
        var personId = await CreatePersonAsync();
        var (call, _) = await Host.SignInUserAsync(role, Guid.Parse(personId), NewUsername(role.ToString().ToLowerInvariant()), Clock.GetUtcNow(), TimeSpan.FromDays(30)).WithTimeout();
        return (call, personId);
    }

    /// <summary>Midnight UTC <paramref name="days"/> days from the hub clock's today.</summary>
    public DateTimeOffset Day(int days) => new DateTimeOffset(Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(days);

    /// <summary>The next quarter hour of the hub clock, plus <paramref name="quarters"/> more.</summary>
    public DateTimeOffset QuarterFromNow(int quarters)
    {
        var now = Clock.GetUtcNow();
        var ticks = TimeSpan.FromMinutes(15).Ticks;
        return new DateTimeOffset((now.UtcTicks / ticks + 1 + quarters) * ticks, TimeSpan.Zero);
    }

    public static Protos.V1.Booking Slot(string resourceId, DateTimeOffset start, int minutes, string personId = "") => new()
    {
        ResourceId = resourceId,
        PersonId = personId,
        StartTime = Timestamp.FromDateTimeOffset(start),
        EndTime = Timestamp.FromDateTimeOffset(start.AddMinutes(minutes)),
    };

    public Task<Protos.V1.Booking> BookAsync(string resourceId, DateTimeOffset start, int minutes, string personId, CallOptions? call = null, bool rulesOverride = false) =>
        Booking.CreateBookingAsync(new CreateBookingRequest { Booking = Slot(resourceId, start, minutes, personId), RulesOverride = rulesOverride }, call ?? Admin).ResponseAsync.WithTimeout();

    /// <summary>The status an RPC fails with.</summary>
    public static async Task<RpcException> FailsAsync(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call().WithTimeout());
        return ex;
    }
}
