using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.SystemTests.Infrastructure;

/// <summary>
/// The real hub on a fresh database, behind a <see cref="LinkProxy"/>, with an admin and helpers
/// that build sites, cardholders and enrolled nodes through the admin API.
/// </summary>
public sealed class SystemWorld : IAsyncLifetime
{
    /// <summary>Hub settings of every system test: fast heartbeats, so leases and liveness move in seconds.</summary>
    public static readonly IReadOnlyDictionary<string, string?> HubSettings = new Dictionary<string, string?>
    {
        ["EdgeAccess:Sync:HeartbeatInterval"] = "00:00:01",
        ["EdgeAccess:Sync:PollInterval"] = "00:00:00.200",
    };

    private readonly List<EdgeProcess> _edges = [];

    public HubHost Hub { get; private set; } = new(HubSettings);

    public LinkProxy Link { get; private set; } = null!;

    public CallOptions Admin { get; private set; }

    public SiteService.Client Sites => new(Hub.Channel);

    public ScheduleService.Client Schedules => new(Hub.Channel);

    public PersonService.Client People => new(Hub.Channel);

    public CardService.Client Cards => new(Hub.Channel);

    public GrantService.Client Grants => new(Hub.Channel);

    public NodeService.Client Nodes => new(Hub.Channel);

    public JournalService.Client Journal => new(Hub.Channel);

    public BookingService.Client Booking => new(Hub.Channel);

    public async Task InitializeAsync()
    {
        await Hub.InitializeAsync().WithTimeout(TimeSpan.FromSeconds(90));
        Link = new LinkProxy(Hub.GrpcAddress.Port);
        Admin = await Hub.SignInAsync(UserRole.Admin).WithTimeout();
    }

    /// <summary>Stops the hub and starts a new one on the same database; the proxy follows it.</summary>
    public async Task RestartHubAsync()
    {
        var connection = Hub.ConnectionString;
        await Hub.DisposeAsync();
        var settings = HubSettings.ToDictionary();
        settings["EdgeAccess:Database:ConnectionString"] = connection;
        Hub = new HubHost(settings);
        await Hub.InitializeAsync().WithTimeout(TimeSpan.FromSeconds(90));
        Link.Target = Hub.GrpcAddress.Port;
        Admin = await Hub.SignInAsync(UserRole.Admin).WithTimeout();
    }

    /// <summary>A site (Europe/Berlin) with one door and an always-open schedule.</summary>
    public async Task<TestSite> CreateSiteAsync(int doors = 1)
    {
        var site = await Sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = $"site-{Guid.NewGuid():N}", TimeZone = "Europe/Berlin" } }, Admin).ResponseAsync.WithTimeout();
        var doorIds = new List<string>();
        for (var i = 0; i < doors; i++)
        {
            var door = await Sites.CreateDoorAsync(new CreateDoorRequest { Door = new Door { SiteId = site.Id, Name = $"door-{i}-{Guid.NewGuid():N}" } }, Admin).ResponseAsync.WithTimeout();
            doorIds.Add(door.Id);
        }

        var schedule = new Schedule { SiteId = site.Id, Name = "always" };
        for (var day = 1; day <= 7; day++)
        {
            schedule.Weekly.Add(new WeeklyInterval { Day = day, StartMinute = 0, EndMinute = 1440 });
        }

        schedule.IgnoresHolidays = true;
        var created = await Schedules.CreateScheduleAsync(new CreateScheduleRequest { Schedule = schedule }, Admin).ResponseAsync.WithTimeout();
        return new TestSite(site.Id, doorIds, created.Id);
    }

    /// <summary>A person with a card (hex number) and a right at every door of the site; returns the card.</summary>
    public async Task<Card> AddCardholderAsync(TestSite site, string number)
    {
        var person = await People.CreatePersonAsync(new CreatePersonRequest { Person = new Person { DisplayName = $"Holder {number}" } }, Admin).ResponseAsync.WithTimeout();
        var card = await Cards.CreateCardAsync(new CreateCardRequest { Card = new Card { PersonId = person.Id, Number = number } }, Admin).ResponseAsync.WithTimeout();
        foreach (var door in site.Doors)
        {
            await Grants.CreateDirectGrantAsync(new CreateDirectGrantRequest
            {
                Grant = new DirectGrant { PersonId = person.Id, DoorId = door, ScheduleId = site.ScheduleId, Reason = "system test" },
            }, Admin).ResponseAsync.WithTimeout();
        }

        return card;
    }

    /// <summary>Blocks a card at the hub.</summary>
    public Task<Card> BlockCardAsync(Card card) => Cards.UpdateCardAsync(new UpdateCardRequest
    {
        Card = new Card { Id = card.Id, Status = CardStatus.Blocked },
        UpdateMask = new FieldMask { Paths = { "status" } },
    }, Admin).ResponseAsync.WithTimeout();

    /// <summary>Registers a node for the site and starts its process (enrolling with a fresh code).</summary>
    public async Task<EdgeProcess> StartEdgeAsync(TestSite site, string? nodeId = null, params string[] extra)
    {
        nodeId ??= $"edge-{Guid.NewGuid():N}"[..16];
        var enrollment = await Nodes.CreateNodeAsync(new CreateNodeRequest { NodeId = nodeId, SiteId = site.Id }, Admin).ResponseAsync.WithTimeout();
        var edge = new EdgeProcess(nodeId, Link.Port, enrollment.EnrollmentCode, dataDirectory: null, extra);
        _edges.Add(edge);
        edge.Start();
        return edge;
    }

    /// <summary>Journal events the hub stored for a node (every page).</summary>
    public async Task<List<EdgeEvent>> HubJournalAsync(string nodeId)
    {
        var all = new List<EdgeEvent>();
        var token = "";
        do
        {
            var page = await Journal.ListEventsAsync(new ListEventsRequest { NodeId = nodeId, PageSize = 1000, PageToken = token }, Admin).ResponseAsync.WithTimeout();
            all.AddRange(page.Events);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    public async Task DisposeAsync()
    {
        foreach (var edge in _edges)
        {
            await edge.DisposeAsync();
        }

        await Link.DisposeAsync();
        await Hub.DisposeAsync();
    }
}

/// <summary>A site built by <see cref="SystemWorld.CreateSiteAsync"/>.</summary>
public sealed record TestSite(string Id, IReadOnlyList<string> Doors, string ScheduleId)
{
    public string Door => Doors[0];
}
