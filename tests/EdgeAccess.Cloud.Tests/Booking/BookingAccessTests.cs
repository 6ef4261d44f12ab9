using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Decisions;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using RecordKind = EdgeAccess.Cloud.Data.Entities.RecordKind;

namespace EdgeAccess.Cloud.Tests.Booking;

/// <summary>
/// Booking → access (issue 5 §3) end to end through the hub API: a booking's door right reaches the
/// site feed with its access window [start − early entry, end + grace] and no schedule, an edge's
/// decider admits the card inside that window and not after it, and cancelling or a pending approval
/// keeps the right away.
/// </summary>
public sealed class BookingAccessTests(BookingHub hub) : IClassFixture<BookingHub>
{
    private const int EarlyEntry = 15;
    private const int Grace = 10;

    private NpgsqlDataSource DataSource => hub.Host.App.Services.GetRequiredService<NpgsqlDataSource>();

    private Guid Site => Guid.Parse(hub.SiteId);

    [Fact]
    public async Task CreateBooking_Confirmed_RightInTheFeedWithTheWindowAndEdgeAdmitsOnlyInsideIt()
    {
        var (door, resource, person, card, number) = await SetUpAsync(approval: false);
        var start = hub.Day(2).AddHours(22);
        var cursor = await HeadAsync();

        var booking = await hub.BookAsync(resource, start, 60, person);

        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        var published = Assert.Single(await RightChangesAsync(cursor, card, door));
        Assert.False(published.Deleted);
        var term = Assert.Single(RightRecord.Parser.ParseFrom(published.Payload).Terms);
        Assert.Equal("", term.ScheduleId);
        Assert.Equal(Timestamp.FromDateTimeOffset(start.AddMinutes(-EarlyEntry)), term.ValidFrom);
        Assert.Equal(Timestamp.FromDateTimeOffset(start.AddMinutes(60 + Grace)), term.ValidTo);

        var index = await EdgeIndexAsync();
        Assert.Equal(DecisionReason.NotValidAtTime, Tap(index, number, door, start.AddMinutes(-EarlyEntry - 1)).Reason);
        Assert.True(Tap(index, number, door, start.AddMinutes(-EarlyEntry)).Granted);
        Assert.True(Tap(index, number, door, start.AddMinutes(30)).Granted);
        Assert.True(Tap(index, number, door, start.AddMinutes(60 + Grace - 1)).Granted);
        Assert.Equal(DecisionReason.NotValidAtTime, Tap(index, number, door, start.AddMinutes(60 + Grace)).Reason);

        var explained = await new AccessQueryService.Client(hub.Host.Channel).ExplainAccessAsync(new ExplainAccessRequest
        {
            CardId = card,
            DoorId = door,
            At = Timestamp.FromDateTimeOffset(start.AddMinutes(5)),
        }, hub.Admin).ResponseAsync.WithTimeout();
        Assert.True(explained.Granted);
        var path = Assert.Single(explained.Paths);
        Assert.Equal((AccessPathKind.Booking, booking.Id), (path.Kind, path.BookingId));
        Assert.Equal("", path.ScheduleId);
        Assert.Contains($"booking {booking.Id} of resource ", explained.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelBooking_Confirmed_RightRemovedFromTheFeedAndTheEdgeDenies()
    {
        var (door, resource, person, card, number) = await SetUpAsync(approval: false);
        var start = hub.Day(3).AddHours(9);
        var booking = await hub.BookAsync(resource, start, 60, person);
        Assert.True(Tap(await EdgeIndexAsync(), number, door, start).Granted);
        var cursor = await HeadAsync();

        await hub.Booking.CancelBookingAsync(new CancelBookingRequest { Id = booking.Id, Etag = booking.Etag }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.True(Assert.Single(await RightChangesAsync(cursor, card, door)).Deleted);
        Assert.Equal(DecisionReason.NoRight, Tap(await EdgeIndexAsync(), number, door, start).Reason);
    }

    [Fact]
    public async Task CreateBooking_PendingApproval_NoRightUntilApproved()
    {
        var (door, resource, person, card, number) = await SetUpAsync(approval: true);
        var start = hub.Day(4).AddHours(14);
        var cursor = await HeadAsync();

        var booking = await hub.BookAsync(resource, start, 60, person);

        Assert.Equal(BookingStatus.Pending, booking.Status);
        Assert.Empty(await RightChangesAsync(cursor, card, door));
        Assert.Equal(DecisionReason.NoRight, Tap(await EdgeIndexAsync(), number, door, start).Reason);

        await hub.Booking.ApproveBookingAsync(new DecideBookingRequest { Id = booking.Id, Etag = booking.Etag }, hub.Operator).ResponseAsync.WithTimeout();

        Assert.False(Assert.Single(await RightChangesAsync(cursor, card, door)).Deleted);
        Assert.True(Tap(await EdgeIndexAsync(), number, door, start).Granted);
    }

    [Fact]
    public async Task RejectBooking_Pending_NothingPublished()
    {
        var (door, resource, person, card, _) = await SetUpAsync(approval: true);
        var booking = await hub.BookAsync(resource, hub.Day(5).AddHours(8), 60, person);
        var cursor = await HeadAsync();

        await hub.Booking.RejectBookingAsync(new DecideBookingRequest { Id = booking.Id, Etag = booking.Etag }, hub.Operator).ResponseAsync.WithTimeout();

        Assert.Empty(await RightChangesAsync(cursor, card, door));
    }

    /// <summary>A door on the shared UTC site, a resource opening it, and a person with a card.</summary>
    private async Task<(string Door, string Resource, string Person, string Card, string Number)> SetUpAsync(bool approval)
    {
        var door = await new SiteService.Client(hub.Host.Channel).CreateDoorAsync(new CreateDoorRequest
        {
            Door = new Door { SiteId = hub.SiteId, Name = "door-" + Guid.NewGuid().ToString("N")[..8] },
        }, hub.Admin).ResponseAsync.WithTimeout();
        var resource = new BookableResource { SiteId = hub.SiteId, Name = "res-" + Guid.NewGuid().ToString("N")[..8], Kind = ResourceKind.LabInstallation };
        resource.DoorIds.Add(door.Id);
        resource = await hub.Booking.CreateResourceAsync(new CreateResourceRequest { Resource = resource }, hub.Admin).ResponseAsync.WithTimeout();
        var rules = await hub.Booking.GetResourceRulesAsync(new GetResourceRulesRequest { ResourceId = resource.Id }, hub.Admin).ResponseAsync.WithTimeout();
        (rules.EarlyEntryMinutes, rules.GraceMinutes, rules.ApprovalRequired) = (EarlyEntry, Grace, approval);
        await hub.Booking.UpdateResourceRulesAsync(new UpdateResourceRulesRequest { Rules = rules }, hub.Admin).ResponseAsync.WithTimeout();
        var person = await hub.CreatePersonAsync();
        var number = Convert.ToHexString(Guid.NewGuid().ToByteArray())[..12];
        var card = await new CardService.Client(hub.Host.Channel).CreateCardAsync(new CreateCardRequest
        {
            Card = new Card { PersonId = person, Number = number, Status = CardStatus.Active },
        }, hub.Admin).ResponseAsync.WithTimeout();
        return (door.Id, resource.Id, person, card.Id, number);
    }

    private async Task<long> HeadAsync()
    {
        await using var snapshot = await SiteSnapshot.OpenAsync(DataSource, Site, CancellationToken.None).WithTimeout();
        return snapshot.Position;
    }

    /// <summary>The site feed's changes of the card's right on the door after <paramref name="cursor"/>.</summary>
    private async Task<List<Data.Entities.FeedEntry>> RightChangesAsync(long cursor, string card, string door)
    {
        var page = await FeedReader.ReadAsync(DataSource, Site, cursor, 10_000, CancellationToken.None).WithTimeout();
        return [.. page.Entries.Where(e => e.Kind == RecordKind.Right && e.EntityId == Guid.Parse(card) && e.DoorId == Guid.Parse(door))];
    }

    /// <summary>The decision index an edge of the site builds from the hub's snapshot records.</summary>
    private async Task<DecisionIndex> EdgeIndexAsync()
    {
        await using var snapshot = await SiteSnapshot.OpenAsync(DataSource, Site, CancellationToken.None).WithTimeout();
        var builder = new DecisionIndex.Builder { Position = snapshot.Position };
        await foreach (var record in snapshot.ReadAsync(CancellationToken.None))
        {
            switch (record.Kind)
            {
                case RecordKind.Site: builder.Add(SiteRecord.Parser.ParseFrom(record.Payload)); break;
                case RecordKind.Door: builder.Add(DoorRecord.Parser.ParseFrom(record.Payload)); break;
                case RecordKind.Card: builder.Add(CardRecord.Parser.ParseFrom(record.Payload)); break;
                case RecordKind.Schedule: builder.Add(ScheduleRecord.Parser.ParseFrom(record.Payload)); break;
                case RecordKind.Right: builder.Add(RightRecord.Parser.ParseFrom(record.Payload)); break;
            }
        }

        return builder.Build();
    }

    /// <summary>A tap decided offline-capable, as the edge does: online link, lease far ahead.</summary>
    private static Decision Tap(DecisionIndex index, string number, string door, DateTimeOffset at)
    {
        var instant = Instant.FromDateTimeOffset(at);
        Assert.True(new CardHasher(Convert.FromBase64String(HubHost.CardHashKey)).TryHash(number, out var hash));
        var link = new LinkState(instant - NodaTime.Duration.FromMinutes(1), instant + NodaTime.Duration.FromDays(1), NodaTime.Duration.FromMinutes(10), DegradedPolicy.DenyAll);
        return DoorDecider.Decide(index, new DecisionRequest(door, hash, null, instant, link));
    }
}
