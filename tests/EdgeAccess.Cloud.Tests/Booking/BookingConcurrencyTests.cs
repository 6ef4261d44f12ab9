using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Booking;

/// <summary>No double booking under concurrency: PostgreSQL's exclusion constraint decides.</summary>
public sealed class BookingConcurrencyTests(BookingHub hub) : IClassFixture<BookingHub>
{
    [Fact]
    public async Task CreateBooking_24ParallelRequestsForOneSlot_ExactlyOneWinsOthersGetAlternatives()
    {
        var resource = await hub.CreateResourceAsync();
        var start = hub.Day(2).AddHours(10);
        var people = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => hub.CreatePersonAsync())).WithTimeout();

        var outcomes = await Task.WhenAll(people.Select(async person =>
        {
            try
            {
                return (Booking: await hub.BookAsync(resource, start, 60, person), Error: (RpcException?)null);
            }
            catch (RpcException ex)
            {
                return (Booking: (Protos.V1.Booking?)null, Error: ex);
            }
        })).WithTimeout(TimeSpan.FromSeconds(60));

        Assert.Single(outcomes, o => o.Booking is not null);
        var losers = outcomes.Where(o => o.Error is not null).Select(o => o.Error!).ToList();
        Assert.Equal(23, losers.Count);
        Assert.All(losers, ex =>
        {
            Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
            Assert.Contains("is not free", ex.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("nearest free", ex.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(3, ex.Trailers.GetValue("booking-alternatives")!.Split(',').Length);
        });

        // The nearest free hours of the same length: right before and right after the taken one.
        Assert.Contains(
            $"{start.AddHours(1):yyyy-MM-ddTHH:mm:ss}Z/{start.AddHours(2):yyyy-MM-ddTHH:mm:ss}Z",
            losers[0].Trailers.GetValue("booking-alternatives"),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateBooking_SlotTakenWithBuffer_BufferKeptFree()
    {
        var resource = await hub.CreateResourceAsync(r => r.BufferMinutes = 30);
        var start = hub.Day(2).AddHours(10);
        await hub.BookAsync(resource, start, 60, await hub.CreatePersonAsync());

        // Starts 15 minutes after the first ends: inside its 30-minute buffer.
        var ex = await BookingHub.FailsAsync(async () => await hub.BookAsync(resource, start.AddMinutes(75), 60, await hub.CreatePersonAsync()));
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);

        // Ends 15 minutes before the first starts: its own buffer would run into it.
        ex = await BookingHub.FailsAsync(async () => await hub.BookAsync(resource, start.AddMinutes(-75), 60, await hub.CreatePersonAsync()));
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);

        var after = await hub.BookAsync(resource, start.AddMinutes(90), 60, await hub.CreatePersonAsync());
        var before = await hub.BookAsync(resource, start.AddMinutes(-90), 60, await hub.CreatePersonAsync());
        Assert.Equal(BookingStatus.Confirmed, after.Status);
        Assert.Equal(BookingStatus.Confirmed, before.Status);
    }
}
