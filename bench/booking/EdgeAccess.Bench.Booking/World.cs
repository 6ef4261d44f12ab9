using System.Globalization;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Bench.Booking;

/// <summary>A signed-in caller: its own person (with a card), its role and its client on one of the channels.</summary>
internal sealed record Caller(int Index, CallOptions Call, string PersonId, bool IsAdmin, BookingService.Client Booking);

/// <summary>
/// What the scenarios book, built through the admin API: sites (Europe/Berlin) with doors,
/// resources each opening one door (so every booking also compiles its booker's right at that door
/// and publishes it on the site's feed, as in production), and the callers: people with a card and a
/// signed-in user each, a quarter of them admins, the rest members.
/// </summary>
internal sealed class World
{
    private World(BenchHub hub) => Hub = hub;

    public BenchHub Hub { get; }

    public List<string> Sites { get; } = [];

    /// <summary>Doors per site, in site order.</summary>
    public List<List<string>> Doors { get; } = [];

    public List<Caller> Callers { get; } = [];

    public BookingService.Client AdminBooking => new(Hub.Channels[0]);

    public static async Task<World> BuildAsync(BenchHub hub, BenchOptions options, CancellationToken ct)
    {
        var world = new World(hub);
        var sites = new SiteService.Client(hub.Channels[0]);
        for (var s = 0; s < options.Sites; s++)
        {
            var site = await sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = $"bench-site-{s}", TimeZone = "Europe/Berlin" } }, hub.Admin with { CancellationToken = ct }).ResponseAsync;
            world.Sites.Add(site.Id);
            var doors = await Parallel(options.DoorsPerSite, async d => (await sites.CreateDoorAsync(
                new CreateDoorRequest { Door = new Door { SiteId = site.Id, Name = $"door-{d:D3}" } }, hub.Admin with { CancellationToken = ct }).ResponseAsync).Id);
            world.Doors.Add([.. doors]);
        }

        var people = new PersonService.Client(hub.Channels[0]);
        var cards = new CardService.Client(hub.Channels[0]);
        var callers = await Parallel(options.Callers, async i =>
        {
            var person = await people.CreatePersonAsync(new CreatePersonRequest { Person = new Person { DisplayName = $"Booker {i:D3}" } }, hub.Admin with { CancellationToken = ct }).ResponseAsync;
            await cards.CreateCardAsync(new CreateCardRequest { Card = new Card { PersonId = person.Id, Number = (7_100_000 + i).ToString(CultureInfo.InvariantCulture) } }, hub.Admin with { CancellationToken = ct }).ResponseAsync;
            var admin = i % 4 == 3;
            var call = await hub.SignInAsync(admin ? Stored.UserRole.Admin : Stored.UserRole.Member, Guid.Parse(person.Id), ct);
            return new Caller(i, call, person.Id, admin, new BookingService.Client(hub.Channels[i % hub.Channels.Count]));
        });
        world.Callers.AddRange(callers);
        return world;
    }

    /// <summary>A resource on site <paramref name="site"/> opening door <paramref name="door"/> of it, with default rules.</summary>
    public async Task<string> CreateResourceAsync(string name, int site, int door, CancellationToken ct) =>
        (await AdminBooking.CreateResourceAsync(new CreateResourceRequest
        {
            Resource = new BookableResource
            {
                SiteId = Sites[site], Name = name, Kind = ResourceKind.LabInstallation, DoorIds = { Doors[site][door % Doors[site].Count] },
            },
        }, Hub.Admin with { CancellationToken = ct }).ResponseAsync).Id;

    /// <summary>Runs <paramref name="work"/> for 0..count-1, eight at a time; results in index order.</summary>
    public static async Task<T[]> Parallel<T>(int count, Func<int, Task<T>> work, int degree = 8)
    {
        var results = new T[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(degree, Math.Max(1, count))).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                results[i] = await work(i);
            }
        }));
        return results;
    }
}
