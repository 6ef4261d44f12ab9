using System.Globalization;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Tests.Booking;

/// <summary>Free time per day and week in the site's zone, honouring bookings, buffers, blackouts and rules.</summary>
public sealed class BookingAvailabilityTests(BookingHub hub) : IClassFixture<BookingHub>
{
    [Fact]
    public async Task GetAvailability_Day_GapsAroundBookingWithBufferAndBlackout()
    {
        var resource = await hub.CreateResourceAsync(r => { r.SlotMinutes = 30; r.MinDurationMinutes = 60; r.BufferMinutes = 30; });
        var day = hub.Day(2);
        await hub.BookAsync(resource, day.AddHours(10), 60, await hub.CreatePersonAsync());
        await hub.Booking.CreateBlackoutAsync(new CreateBlackoutRequest { Blackout = new Blackout
        {
            ResourceId = resource, StartTime = Timestamp.FromDateTimeOffset(day.AddHours(14)), EndTime = Timestamp.FromDateTimeOffset(day.AddHours(15).AddMinutes(10)),
        } }, hub.Admin).ResponseAsync.WithTimeout();

        var answer = await hub.Booking.GetAvailabilityAsync(new GetAvailabilityRequest { ResourceId = resource, Date = Date(day) }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal("UTC", answer.TimeZone);
        var free = answer.Free.Select(s => (s.StartTime.ToDateTimeOffset(), s.EndTime.ToDateTimeOffset())).ToList();
        Assert.Equal(
            [(day, day.AddHours(9).AddMinutes(30)), (day.AddHours(11).AddMinutes(30), day.AddHours(14)), (day.AddHours(15).AddMinutes(30), day.AddDays(1))],
            free);

        // One-hour slots on the 30-minute grid: none may end inside the booking's buffer.
        Assert.Contains(answer.Slots, s => s.StartTime.ToDateTimeOffset() == day.AddHours(8).AddMinutes(30));
        Assert.DoesNotContain(answer.Slots, s => s.StartTime.ToDateTimeOffset() == day.AddHours(9));
        Assert.All(answer.Slots, s => Assert.Equal(TimeSpan.FromHours(1), s.EndTime.ToDateTimeOffset() - s.StartTime.ToDateTimeOffset()));
    }

    [Fact]
    public async Task GetAvailability_WeekInSiteZone_SevenLocalDaysAndNotice()
    {
        var site = await hub.CreateSiteAsync("America/New_York");
        var resource = await hub.CreateResourceAsync(r => { r.SlotMinutes = 60; r.MinDurationMinutes = 60; }, site);
        var today = DateOnly.FromDateTime(hub.Clock.GetUtcNow().UtcDateTime).AddDays(3);

        var week = await hub.Booking.GetAvailabilityAsync(new GetAvailabilityRequest
        {
            ResourceId = resource, Date = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Span = AvailabilitySpan.Week, DurationMinutes = 120,
        }, hub.Member).ResponseAsync.WithTimeout();

        Assert.Equal("America/New_York", week.TimeZone);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var from = TimeZoneInfo.ConvertTimeToUtc(today.ToDateTime(TimeOnly.MinValue), zone);
        var to = TimeZoneInfo.ConvertTimeToUtc(today.AddDays(7).ToDateTime(TimeOnly.MinValue), zone);
        Assert.Single(week.Free);
        Assert.Equal(from, week.Free[0].StartTime.ToDateTime());
        Assert.Equal(to, week.Free[0].EndTime.ToDateTime());
        Assert.Equal(7 * 24 - 1, week.Slots.Count);

        var past = await hub.Booking.GetAvailabilityAsync(new GetAvailabilityRequest { ResourceId = resource, Date = "2000-01-01" }, hub.Member).ResponseAsync.WithTimeout();
        Assert.Empty(past.Free);
    }

    private static string Date(DateTimeOffset day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
