using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Tests.Booking;

/// <summary>
/// A taken slot is answered with the nearest free slots of the same length, looked for outward
/// from the request (a few hours, then a day and a half, then two days before to seven after): the
/// answer must be the same wherever the nearest ones lie. And the counted rules leave the booking
/// being moved out of its own count.
/// </summary>
public sealed class BookingAlternativesTests(BookingHub hub) : IClassFixture<BookingHub>
{
    [Fact]
    public async Task CreateBooking_NothingFreeForHours_NearestSlotsADayAwayBeforeTheRequest()
    {
        var resource = await hub.CreateResourceAsync();
        var person = await hub.CreatePersonAsync();

        // Taken from day 2 00:00 to day 3 20:00 (an override may book past the maximum duration),
        // free 20:00-21:00, taken 21:00-22:00: the nearest free hours lie before day 2, 13 hours away.
        await hub.BookAsync(resource, hub.Day(2), 44 * 60, person, rulesOverride: true);
        await hub.BookAsync(resource, hub.Day(3).AddHours(21), 60, person);

        var other = await hub.CreatePersonAsync();
        var ex = await BookingHub.FailsAsync(() => hub.BookAsync(resource, hub.Day(2).AddHours(12), 60, other));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        var day1 = hub.Day(1);
        Assert.Equal(Slots(day1.AddMinutes(22 * 60 + 30), day1.AddMinutes(22 * 60 + 45), day1.AddHours(23)), ex.Trailers.GetValue("booking-alternatives"));
    }

    [Fact]
    public async Task CreateBooking_NothingFreeForTwoDays_NearestSlotsFromTheWholeRange()
    {
        var resource = await hub.CreateResourceAsync();
        var person = await hub.CreatePersonAsync();

        // Taken from day 1 to day 5: within a day and a half of the request only the hour at day 5
        // 00:00 is free, so the search widens to the whole range (day 1 12:00 to day 10 13:00).
        await hub.BookAsync(resource, hub.Day(1), 4 * 24 * 60, person, rulesOverride: true);

        var other = await hub.CreatePersonAsync();
        var ex = await BookingHub.FailsAsync(() => hub.BookAsync(resource, hub.Day(3).AddHours(12), 60, other));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        var day5 = hub.Day(5);
        Assert.Equal(Slots(day5, day5.AddMinutes(15), day5.AddMinutes(30)), ex.Trailers.GetValue("booking-alternatives"));
    }

    [Fact]
    public async Task CreateBooking_TakenAndOverQuota_QuotaAnsweredFirst()
    {
        var resource = await hub.CreateResourceAsync(r => r.QuotaMinutes = 60);
        var (call, person) = await hub.SignInWithPersonAsync(Data.Entities.UserRole.Member);
        var start = hub.Day(2).AddHours(10);
        await hub.BookAsync(resource, start, 60, person, call);

        // The same hour again: taken, and over the quota; the rule is named, as before the conflict check moved ahead of the insert.
        var ex = await BookingHub.FailsAsync(() => hub.BookAsync(resource, start, 60, person, call));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.StartsWith("quota:", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateBooking_MaxActiveAndQuotaReached_MovingTheBookingItselfAllowed()
    {
        var resource = await hub.CreateResourceAsync(r =>
        {
            r.MaxActive = 1;
            r.QuotaMinutes = 60;
        });
        var (call, person) = await hub.SignInWithPersonAsync(Data.Entities.UserRole.Member);
        var booking = await hub.BookAsync(resource, hub.Day(2).AddHours(10), 60, person, call);

        // The booking does not count against itself: moving it by an hour stays within both limits.
        var moved = await hub.Booking.UpdateBookingAsync(new UpdateBookingRequest
        {
            Booking = new Protos.V1.Booking
            {
                Id = booking.Id,
                Etag = booking.Etag,
                StartTime = Timestamp.FromDateTimeOffset(hub.Day(2).AddHours(11)),
                EndTime = Timestamp.FromDateTimeOffset(hub.Day(2).AddHours(12)),
            },
        }, call).ResponseAsync.WithTimeout();
        Assert.Equal(hub.Day(2).AddHours(11), moved.StartTime.ToDateTimeOffset());

        // A second booking is still one too many.
        var ex = await BookingHub.FailsAsync(() => hub.BookAsync(resource, hub.Day(4).AddHours(10), 30, person, call));
        Assert.StartsWith("max_active:", ex.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>The trailer's text for one-hour slots starting at <paramref name="starts"/>.</summary>
    private static string Slots(params DateTimeOffset[] starts) =>
        string.Join(',', starts.Select(s => $"{s.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z/{s.AddHours(1).UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z"));
}
