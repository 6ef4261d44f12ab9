using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Booking;

/// <summary>Members act for their own person only; auditors read; resources are the admin's.</summary>
public sealed class BookingRolesTests(BookingHub hub) : IClassFixture<BookingHub>
{
    [Fact]
    public async Task CreateBooking_MemberForAnotherPerson_PermissionDenied()
    {
        var resource = await hub.CreateResourceAsync();
        var (member, own) = await hub.SignInWithPersonAsync(UserRole.Member);
        var other = await hub.CreatePersonAsync();
        var start = hub.Day(2).AddHours(10);

        var ex = await BookingHub.FailsAsync(() => hub.BookAsync(resource, start, 60, other, member));
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal("booking.person_id: members book only for themselves", ex.Status.Detail);

        var mine = await hub.BookAsync(resource, start, 60, "", member);
        Assert.Equal(own, mine.PersonId);
        var forOther = await hub.BookAsync(resource, start.AddHours(2), 60, other, hub.Operator);
        Assert.Equal(other, forOther.PersonId);

        var seen = await BookingHub.FailsAsync(() => hub.Booking.GetBookingAsync(new GetBookingRequest { Id = forOther.Id }, member).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, seen.StatusCode);
        var cancel = await BookingHub.FailsAsync(() => hub.Booking.CancelBookingAsync(new CancelBookingRequest { Id = forOther.Id }, member).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, cancel.StatusCode);

        // A member's list is their own, whatever filter they send.
        var list = await hub.Booking.ListBookingsAsync(new ListBookingsRequest { ResourceId = resource }, member).ResponseAsync.WithTimeout();
        Assert.Equal([mine.Id], list.Bookings.Select(b => b.Id));
        var auditor = await hub.Booking.ListBookingsAsync(new ListBookingsRequest { ResourceId = resource }, await hub.SignInAsync(UserRole.Auditor)).ResponseAsync.WithTimeout();
        Assert.Equal(2, auditor.Bookings.Count);
    }

    [Fact]
    public async Task CreateBooking_MemberOverrideOrNoPerson_Refused()
    {
        var resource = await hub.CreateResourceAsync();
        var (member, _) = await hub.SignInWithPersonAsync(UserRole.Member);
        var start = hub.Day(2).AddHours(10);

        var ex = await BookingHub.FailsAsync(() => hub.BookAsync(resource, start, 60, "", member, rulesOverride: true));
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        var unlinked = await BookingHub.FailsAsync(() => hub.BookAsync(resource, start, 60, "", hub.Member));
        Assert.Equal(StatusCode.FailedPrecondition, unlinked.StatusCode);
    }

    [Fact]
    public async Task Resources_ValidationNamesFieldAndEtagChecked()
    {
        var bad = await BookingHub.FailsAsync(() => hub.Booking.CreateResourceAsync(new CreateResourceRequest { Resource = new BookableResource { SiteId = hub.SiteId, Name = "x" } }, hub.Admin).ResponseAsync);
        Assert.StartsWith("resource.kind: must be", bad.Status.Detail, StringComparison.Ordinal);
        var door = await BookingHub.FailsAsync(() => hub.Booking.CreateResourceAsync(new CreateResourceRequest
        {
            Resource = new BookableResource { SiteId = hub.SiteId, Name = "y", Kind = ResourceKind.Room, DoorIds = { Guid.NewGuid().ToString() } },
        }, hub.Admin).ResponseAsync);
        Assert.StartsWith("resource.door_ids[0]: door", door.Status.Detail, StringComparison.Ordinal);
        var rules = await BookingHub.FailsAsync(async () => await hub.CreateResourceAsync(r => r.MaxDurationMinutes = -5));
        Assert.Equal("rules.max_duration_minutes: must be between 0 and 44640", rules.Status.Detail);

        var resource = await hub.Booking.GetResourceAsync(new GetResourceRequest { Id = await hub.CreateResourceAsync() }, hub.Member).ResponseAsync.WithTimeout();
        Assert.True(resource.Active);
        resource.Description = "new";
        var updated = await hub.Booking.UpdateResourceAsync(new UpdateResourceRequest { Resource = resource }, hub.Admin).ResponseAsync.WithTimeout();
        Assert.NotEqual(resource.Etag, updated.Etag);
        var stale = await BookingHub.FailsAsync(() => hub.Booking.UpdateResourceAsync(new UpdateResourceRequest { Resource = resource }, hub.Admin).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stale.StatusCode);
        var byOperator = await BookingHub.FailsAsync(() => hub.Booking.UpdateResourceAsync(new UpdateResourceRequest { Resource = updated }, hub.Operator).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, byOperator.StatusCode);
    }
}
