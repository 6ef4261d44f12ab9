using EdgeAccess.Cloud.Rights.Explain;
using EdgeAccess.Schedules;

namespace EdgeAccess.Cloud.Tests.Rights;

public sealed partial class ExplainTests
{
    [Fact]
    public async Task Explain_ConfirmedBooking_GrantedViaTheBookingPath()
    {
        var site = await _world.SiteAsync(Unique("booked"));
        var door = await _world.DoorAsync(site, "lab");
        var resource = await _world.ResourceAsync(site, "Confocal", earlyEntry: 15, grace: 10, door);
        var person = await _world.PersonAsync(Unique("booker"));
        var card = await _world.CardAsync(person);
        // Monday 22:00–23:00 UTC: past midnight in Berlin, outside any office hours.
        var booking = await _world.BookingAsync(resource, person, Monday.AddHours(22), Monday.AddHours(23));

        var inside = await ExplainAsync(card, door, Monday.AddHours(21).AddMinutes(50));
        var after = await ExplainAsync(card, door, Monday.AddHours(23).AddMinutes(10));

        Assert.Equal(AccessReason.Granted, inside.Reason);
        var path = Assert.Single(inside.Paths);
        Assert.Equal((AccessPathKind.Booking, AccessPathStatus.Admits), (path.Kind, path.Status));
        Assert.Equal((booking.Id, "Confocal"), (path.BookingId, path.ResourceName));
        Assert.Equal(Guid.Empty, path.ScheduleId);
        Assert.Equal(ScheduleReason.Always, path.Schedule?.Reason);
        Assert.Equal(Window(Monday.AddHours(21).AddMinutes(45), Monday.AddHours(23).AddMinutes(10)), path.BookingValidity);
        Assert.Contains($"via booking {booking.Id} of resource \"Confocal\", ", inside.Summary, StringComparison.Ordinal);
        Assert.Equal(AccessReason.NotValidAtTime, after.Reason);
        Assert.Equal(AccessPathStatus.BookingEnded, Assert.Single(after.Paths).Status);
    }

    [Fact]
    public async Task WhoCanOpen_ConfirmedBooking_ListsTheBookerWithAnUnscheduledTerm()
    {
        var site = await _world.SiteAsync(Unique("who-booked"));
        var door = await _world.DoorAsync(site, "lab");
        var resource = await _world.ResourceAsync(site, "Microscope", 0, 0, door);
        var person = await _world.PersonAsync(Unique("booker"));
        var card = await _world.CardAsync(person);
        await _world.BookingAsync(resource, person, Monday.AddHours(22), Monday.AddHours(23));

        var during = await WhoCanOpenAsync(door, Monday.AddHours(22.5));
        var before = await WhoCanOpenAsync(door, Monday.AddHours(21));

        var entry = Assert.Single(during.Entries);
        Assert.Equal(card.Id, entry.CardId);
        Assert.Equal(Guid.Empty, Assert.Single(entry.Terms).ScheduleId);
        Assert.Empty(before.Entries);
    }

    private static ValidityWindow Window(DateTimeOffset from, DateTimeOffset to) =>
        new(NodaTime.Instant.FromDateTimeOffset(from), NodaTime.Instant.FromDateTimeOffset(to));
}
