using EdgeAccess.Cloud.Journal;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Journal;

/// <summary>An <see cref="AuthHub"/> (real hub, manual clock) with journal helpers: sites, nodes, doors, cards and events.</summary>
public sealed class JournalHub : AuthHub
{
    /// <summary>A fixed time the tests build event times from.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary><c>edgeaccess.v1.JournalService</c>.</summary>
    public JournalService.Client Journal => new(Host.Channel);

    /// <summary>The hub's journal store.</summary>
    internal JournalStore Store => Host.App.Services.GetRequiredService<JournalStore>();

    /// <summary>Creates a site as admin; returns its id.</summary>
    public async Task<Guid> NewSiteAsync()
    {
        var site = await new SiteService.Client(Host.Channel).CreateSiteAsync(
            new CreateSiteRequest { Site = new Site { Name = $"site-{Guid.NewGuid():N}", TimeZone = "Europe/Berlin" } }, Admin).ResponseAsync.WithTimeout();
        return Guid.Parse(site.Id);
    }

    /// <summary>Creates a (pending) node on <paramref name="siteId"/>; returns its id.</summary>
    public async Task<string> NewNodeAsync(Guid siteId)
    {
        var created = await new NodeService.Client(Host.Channel).CreateNodeAsync(
            new CreateNodeRequest { NodeId = $"jn-{Guid.NewGuid():N}"[..20], SiteId = siteId.ToString() }, Admin).ResponseAsync.WithTimeout();
        return created.Node.Id;
    }

    /// <summary>A new site with one node.</summary>
    public async Task<(Guid SiteId, string NodeId)> NewSiteWithNodeAsync()
    {
        var site = await NewSiteAsync();
        return (site, await NewNodeAsync(site));
    }

    /// <summary>Creates a door on <paramref name="siteId"/>; returns its id.</summary>
    public async Task<Guid> NewDoorAsync(Guid siteId)
    {
        var door = await new SiteService.Client(Host.Channel).CreateDoorAsync(
            new CreateDoorRequest { Door = new Door { SiteId = siteId.ToString(), Name = $"door-{Guid.NewGuid():N}" } }, Admin).ResponseAsync.WithTimeout();
        return Guid.Parse(door.Id);
    }

    /// <summary>Creates a person with one card; returns both ids.</summary>
    public async Task<(Guid PersonId, Guid CardId)> NewPersonWithCardAsync()
    {
        var person = await new PersonService.Client(Host.Channel).CreatePersonAsync(
            new CreatePersonRequest { Person = new Person { DisplayName = $"Person {Guid.NewGuid():N}" } }, Admin).ResponseAsync.WithTimeout();
        var card = await new CardService.Client(Host.Channel).CreateCardAsync(
            new CreateCardRequest { Card = new Card { PersonId = person.Id, Number = Guid.NewGuid().ToString("N")[..16] } }, Admin).ResponseAsync.WithTimeout();
        return (Guid.Parse(person.Id), Guid.Parse(card.Id));
    }

    /// <summary>A door.decision event at <see cref="T0"/> + <paramref name="seconds"/>.</summary>
    public static JournalEvent Decision(long seq, double seconds, Guid? doorId, Guid? cardId, bool granted, DoorDecisionReason reason, string step = "check") => new()
    {
        Seq = seq,
        OccurTime = Timestamp.FromDateTimeOffset(T0.AddSeconds(seconds)),
        Kind = JournalKinds.DoorDecision,
        Payload = new DoorDecisionEvent
        {
            DoorId = doorId?.ToString() ?? "",
            CardId = cardId?.ToString() ?? "",
            Granted = granted,
            Reason = reason,
            Step = step,
            ReplicaPosition = 42,
            Flags = new DoorDecisionFlags { RightsStale = seq % 2 == 0 },
        }.ToByteString(),
    };

    /// <summary>An event of another kind with a raw payload.</summary>
    public static JournalEvent Other(long seq, double seconds, string kind, int payloadBytes = 3) => new()
    {
        Seq = seq,
        OccurTime = Timestamp.FromDateTimeOffset(T0.AddSeconds(seconds)),
        Kind = kind,
        Payload = ByteString.CopyFrom(new byte[payloadBytes]),
    };

    /// <summary>Stores <paramref name="events"/> for the node; returns the ack.</summary>
    internal Task<long> StoreAsync(string nodeId, Guid siteId, params JournalEvent[] events) =>
        Store.StoreAsync(nodeId, siteId, events, Clock.GetUtcNow(), CancellationToken.None).WithTimeout();

    /// <summary>Every page of <paramref name="request"/> as <paramref name="caller"/> (admin by default).</summary>
    public async Task<List<EdgeEvent>> ListAllAsync(ListEventsRequest request, CallOptions? caller = null)
    {
        var all = new List<EdgeEvent>();
        var page = request.Clone();
        for (var i = 0; i < 1000; i++)
        {
            var response = await Journal.ListEventsAsync(page, caller ?? Admin).ResponseAsync.WithTimeout();
            all.AddRange(response.Events);
            if (response.NextPageToken.Length == 0)
            {
                return all;
            }

            page.PageToken = response.NextPageToken;
        }

        throw new InvalidOperationException("more than 1000 pages");
    }
}
