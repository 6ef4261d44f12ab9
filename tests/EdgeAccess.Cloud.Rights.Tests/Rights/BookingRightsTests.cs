using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Tests.Rights;

/// <summary>
/// Booking → access (issue 5 §3): an active booking opens its resource's doors to the booker's
/// cards for [start − early entry, end + grace], as a term with no schedule (an empty schedule id).
/// Every change that moves that is recompiled incrementally, and the result equals a full compile.
/// </summary>
public sealed class BookingRightsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly HubServices _services = new();
    private RightsWorld _world = null!;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        _world = new RightsWorld(_services);
    }

    public Task DisposeAsync() => _services.DisposeAsync();

    [Fact]
    public async Task Compile_ConfirmedBooking_UnscheduledTermForTheAccessWindowOnEveryDoor()
    {
        var site = await _world.SiteAsync("b-confirmed");
        var (hall, lab) = (await _world.DoorAsync(site, "hall"), await _world.DoorAsync(site, "lab", pin: true));
        var resource = await _world.ResourceAsync(site, "confocal", earlyEntry: 15, grace: 10, hall, lab);
        var ada = await _world.PersonAsync("Ada");
        var card = await _world.CardAsync(ada);

        await _world.BookingAsync(resource, ada, Start, Start.AddHours(2));

        var hallTerm = Assert.Single((await _world.RightAsync(card, hall))!.Terms);
        Assert.Equal("", hallTerm.ScheduleId);
        Assert.Equal(Timestamp.FromDateTimeOffset(Start.AddMinutes(-15)), hallTerm.ValidFrom);
        Assert.Equal(Timestamp.FromDateTimeOffset(Start.AddHours(2).AddMinutes(10)), hallTerm.ValidTo);
        Assert.False(hallTerm.RequiresPin);
        Assert.True(Assert.Single((await _world.RightAsync(card, lab))!.Terms).RequiresPin);
        await AssertConsistentAsync();
    }

    [Theory]
    [InlineData(BookingStatus.Pending, false)]
    [InlineData(BookingStatus.Confirmed, true)]
    [InlineData(BookingStatus.CheckedIn, true)]
    [InlineData(BookingStatus.Cancelled, false)]
    [InlineData(BookingStatus.Rejected, false)]
    [InlineData(BookingStatus.Released, false)]
    public async Task Compile_BookingStatus_OnlyConfirmedAndCheckedInGrant(BookingStatus status, bool grants)
    {
        var (door, resource, person, card) = await SetUpAsync($"b-status-{status}");

        await _world.BookingAsync(resource, person, Start, Start.AddHours(1), status);

        Assert.Equal(grants, await _world.RightAsync(card, door) is not null);
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task Compile_PendingApprovedMovedCancelled_RightFollowsEveryStep()
    {
        var (door, resource, person, card) = await SetUpAsync("b-lifecycle");
        var booking = await _world.BookingAsync(resource, person, Start, Start.AddHours(1), BookingStatus.Pending);
        Assert.Null(await _world.RightAsync(card, door));

        await _world.EditAsync<Booking>(booking.Id, b => b.Status = BookingStatus.Confirmed);
        Assert.Equal(Timestamp.FromDateTimeOffset(Start), Assert.Single((await _world.RightAsync(card, door))!.Terms).ValidFrom);

        await _world.EditAsync<Booking>(booking.Id, b => (b.StartsAt, b.EndsAt, b.OccupiedUntil) = (Start.AddDays(1), Start.AddDays(1).AddHours(3), Start.AddDays(1).AddHours(3)));
        var moved = Assert.Single((await _world.RightAsync(card, door))!.Terms);
        Assert.Equal((Timestamp.FromDateTimeOffset(Start.AddDays(1)), Timestamp.FromDateTimeOffset(Start.AddDays(1).AddHours(3))), (moved.ValidFrom, moved.ValidTo));
        await AssertConsistentAsync();

        await _world.EditAsync<Booking>(booking.Id, b => b.Status = BookingStatus.Cancelled);
        Assert.Null(await _world.RightAsync(card, door));
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task Compile_RulesEarlyEntryAndGraceChange_MovesTheWindowOfExistingBookings()
    {
        var (door, resource, person, card) = await SetUpAsync("b-rules");
        await _world.BookingAsync(resource, person, Start, Start.AddHours(1));

        await _world.EditAsync<BookingRules>(resource.Id, r => (r.EarlyEntryMinutes, r.GraceMinutes) = (30, 45));

        var term = Assert.Single((await _world.RightAsync(card, door))!.Terms);
        Assert.Equal((Timestamp.FromDateTimeOffset(Start.AddMinutes(-30)), Timestamp.FromDateTimeOffset(Start.AddHours(1).AddMinutes(45))), (term.ValidFrom, term.ValidTo));
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task Compile_ResourceDoorAddedThenRemoved_BookersGainAndLoseIt()
    {
        var (door, resource, person, card) = await SetUpAsync("b-doors");
        var site = await FindSiteAsync(door);
        var extra = await _world.DoorAsync(site, "extra");
        await _world.BookingAsync(resource, person, Start, Start.AddHours(1));

        await _world.AddAsync(new BookingResourceDoor { ResourceId = resource.Id, DoorId = extra.Id });
        Assert.NotNull(await _world.RightAsync(card, extra));
        await AssertConsistentAsync();

        await _world.SaveAsync(db => db.Remove(new BookingResourceDoor { ResourceId = resource.Id, DoorId = extra.Id }));
        Assert.Null(await _world.RightAsync(card, extra));
        Assert.NotNull(await _world.RightAsync(card, door));
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task Compile_BookerGetsACardAndBookingChangesHands_RightsFollow()
    {
        var (door, resource, person, card) = await SetUpAsync("b-cards");
        var booking = await _world.BookingAsync(resource, person, Start, Start.AddHours(1));

        var second = await _world.CardAsync(person);
        Assert.NotNull(await _world.RightAsync(second, door));

        var other = await _world.PersonAsync("Grace");
        var otherCard = await _world.CardAsync(other);
        await _world.EditAsync<Booking>(booking.Id, b => b.PersonId = other.Id);
        Assert.Null(await _world.RightAsync(card, door));
        Assert.Null(await _world.RightAsync(second, door));
        Assert.NotNull(await _world.RightAsync(otherCard, door));
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task Compile_AdjacentBookingsBesideAScheme_MergeIntoOneTermBesideTheSchemeTerm()
    {
        var (door, resource, person, card) = await SetUpAsync("b-merge");
        var site = await FindSiteAsync(door);
        var office = await _world.ScheduleAsync(site, "office", 480, 1080);
        var group = await _world.GroupAsync("b-merge-g");
        await _world.SchemeAsync(site, group, office, doors: door);
        await _world.MemberAsync(person, group);

        await _world.BookingAsync(resource, person, Start, Start.AddHours(1));
        await _world.BookingAsync(resource, person, Start.AddHours(1), Start.AddHours(2));

        var terms = (await _world.RightAsync(card, door))!.Terms;
        Assert.Equal(2, terms.Count);
        var booked = Assert.Single(terms, t => t.ScheduleId == "");
        Assert.Equal((Timestamp.FromDateTimeOffset(Start), Timestamp.FromDateTimeOffset(Start.AddHours(2))), (booked.ValidFrom, booked.ValidTo));
        Assert.Single(terms, t => t.ScheduleId == office.Id.ToString());
        await AssertConsistentAsync();
    }

    private async Task<(Door Door, BookingResource Resource, Person Person, Card Card)> SetUpAsync(string name)
    {
        var site = await _world.SiteAsync(name);
        var door = await _world.DoorAsync(site, "door");
        var resource = await _world.ResourceAsync(site, "resource", 0, 0, door);
        var person = await _world.PersonAsync("Ada");
        return (door, resource, person, await _world.CardAsync(person));
    }

    private async Task<Site> FindSiteAsync(Door door)
    {
        await using var db = _services.NewContext();
        return (await db.Sites.FindAsync(door.SiteId))!;
    }

    private async Task AssertConsistentAsync()
    {
        await using var db = _services.NewContext();
        var report = await _services.Compiler.VerifyAsync(db, CancellationToken.None).WithTimeout();
        Assert.True(report.Consistent, report.ToString());
    }
}
