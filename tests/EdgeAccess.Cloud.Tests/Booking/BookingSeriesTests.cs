using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Tests.Booking;

/// <summary>Recurring series (per-occurrence report, skip or all-or-nothing) and multi-resource groups.</summary>
public sealed class BookingSeriesTests(BookingHub hub) : IClassFixture<BookingHub>
{
    [Fact]
    public async Task CreateBookingSeries_OneOccurrenceTaken_AllOrNothingUnlessSkipping()
    {
        var resource = await hub.CreateResourceAsync();
        var first = hub.Day(2).AddHours(9);
        await hub.BookAsync(resource, first.AddDays(14), 60, await hub.CreatePersonAsync());
        var person = await hub.CreatePersonAsync();
        CreateBookingSeriesRequest Request(bool skip) => new()
        {
            First = BookingHub.Slot(resource, first, 60, person),
            Recurrence = new Recurrence { Frequency = Frequency.Weekly, Count = 4 },
            SkipConflicts = skip,
        };

        var refused = await BookingHub.FailsAsync(() => hub.Booking.CreateBookingSeriesAsync(Request(false), hub.Admin).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("1 of 4 occurrences cannot be booked, so none was", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("#3 ", refused.Status.Detail, StringComparison.Ordinal);
        var none = await hub.Booking.ListBookingsAsync(new ListBookingsRequest { ResourceId = resource, PersonId = person }, hub.Admin).ResponseAsync.WithTimeout();
        Assert.Empty(none.Bookings);

        var skipped = await hub.Booking.CreateBookingSeriesAsync(Request(true), hub.Admin).ResponseAsync.WithTimeout();
        Assert.Equal(3, skipped.Booked);
        Assert.Equal(1, skipped.Conflicts);
        Assert.NotEmpty(skipped.Occurrences[2].Conflict);
        Assert.Null(skipped.Occurrences[2].Booking);
        Assert.All(skipped.Occurrences.Where(o => o.Booking is not null), o => Assert.Equal(skipped.SeriesId, o.Booking.SeriesId));
        Assert.Equal(first.AddDays(21), skipped.Occurrences[3].Slot.StartTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task CreateBookingSeries_LocalTimeKeptAcrossDst()
    {
        var site = await hub.CreateSiteAsync("Europe/Berlin");
        var resource = await hub.CreateResourceAsync(siteId: site);
        var year = hub.Clock.GetUtcNow().Year + 1;

        // 10:00 Berlin on the Friday before the last Sunday of March (CET), then daily into CEST.
        var lastSunday = new DateTime(year, 3, 31).AddDays(-(int)new DateTime(year, 3, 31).DayOfWeek);
        var start = new DateTimeOffset(lastSunday.AddDays(-2).AddHours(9), TimeSpan.Zero);
        var series = await hub.Booking.CreateBookingSeriesAsync(new CreateBookingSeriesRequest
        {
            First = BookingHub.Slot(resource, start, 60, await hub.CreatePersonAsync()),
            Recurrence = new Recurrence { Frequency = Frequency.Daily, Until = Timestamp.FromDateTimeOffset(start.AddDays(3)) },
        }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(4, series.Booked);
        Assert.Equal(start.AddDays(3).AddHours(-1), series.Occurrences[3].Slot.StartTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task CreateBookingGroup_OneResourceTaken_NothingBooked()
    {
        var (a, b, c) = (await hub.CreateResourceAsync(), await hub.CreateResourceAsync(), await hub.CreateResourceAsync());
        var start = hub.Day(2).AddHours(13);
        await hub.BookAsync(b, start, 60, await hub.CreatePersonAsync());
        var person = await hub.CreatePersonAsync();
        CreateBookingGroupRequest Request(params string[] ids)
        {
            var request = new CreateBookingGroupRequest { PersonId = person, StartTime = Timestamp.FromDateTimeOffset(start), EndTime = Timestamp.FromDateTimeOffset(start.AddHours(1)) };
            request.ResourceIds.AddRange(ids);
            return request;
        }

        var ex = await BookingHub.FailsAsync(() => hub.Booking.CreateBookingGroupAsync(Request(a, b, c), hub.Admin).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Contains("nearest free", ex.Status.Detail, StringComparison.Ordinal);
        var mine = await hub.Booking.ListBookingsAsync(new ListBookingsRequest { PersonId = person }, hub.Admin).ResponseAsync.WithTimeout();
        Assert.Empty(mine.Bookings);

        var group = await hub.Booking.CreateBookingGroupAsync(Request(a, c), hub.Admin).ResponseAsync.WithTimeout();
        Assert.Equal([a, c], group.Bookings.Select(x => x.ResourceId));
        Assert.All(group.Bookings, x => Assert.Equal(group.GroupId, x.GroupId));
    }
}
