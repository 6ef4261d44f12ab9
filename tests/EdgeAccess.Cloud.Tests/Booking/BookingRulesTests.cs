using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Booking;

/// <summary>The rules of a resource, each refused with the field or rule it breaks.</summary>
public sealed class BookingRulesTests(BookingHub hub) : IClassFixture<BookingHub>
{
    [Fact]
    public async Task CreateBooking_OffGridOrTooLong_InvalidArgumentNamingField()
    {
        var resource = await hub.CreateResourceAsync(r => { r.SlotMinutes = 30; r.MinDurationMinutes = 30; r.MaxDurationMinutes = 120; });
        var person = await hub.CreatePersonAsync();
        var start = hub.Day(2).AddHours(10);

        var offGrid = await BookingHub.FailsAsync(() => hub.BookAsync(resource, start.AddMinutes(15), 60, person));
        Assert.Equal(StatusCode.InvalidArgument, offGrid.StatusCode);
        Assert.StartsWith("booking.start_time: must lie on the 30-minute grid", offGrid.Status.Detail, StringComparison.Ordinal);

        var tooLong = await BookingHub.FailsAsync(() => hub.BookAsync(resource, start, 180, person));
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
        Assert.StartsWith("booking.end_time: the booking must last between 30 and 120 minutes", tooLong.Status.Detail, StringComparison.Ordinal);

        var missing = await BookingHub.FailsAsync(() => hub.Booking.CreateBookingAsync(new CreateBookingRequest { Booking = new Protos.V1.Booking { ResourceId = resource, PersonId = person } }, hub.Admin).ResponseAsync);
        Assert.Equal("booking.start_time: is required", missing.Status.Detail);
    }

    [Fact]
    public async Task CreateBooking_NoticeBlackoutMaxActiveQuota_FailedPreconditionNamingRule()
    {
        var resource = await hub.CreateResourceAsync(r => { r.MinNoticeMinutes = 24 * 60; r.MaxActive = 2; r.QuotaMinutes = 180; r.QuotaPeriod = QuotaPeriod.Week; });
        var person = await hub.CreatePersonAsync();
        var day = hub.Day(3);

        var notice = await BookingHub.FailsAsync(() => hub.BookAsync(resource, hub.QuarterFromNow(2), 60, person));
        Assert.StartsWith("min_notice:", notice.Status.Detail, StringComparison.Ordinal);

        await hub.Booking.CreateBlackoutAsync(new CreateBlackoutRequest { Blackout = new Blackout
        {
            ResourceId = resource, StartTime = Timestamp.FromDateTimeOffset(day.AddHours(8)), EndTime = Timestamp.FromDateTimeOffset(day.AddHours(9)), Reason = "service",
        } }, hub.Operator).ResponseAsync.WithTimeout();
        var blackout = await BookingHub.FailsAsync(() => hub.BookAsync(resource, day.AddHours(8).AddMinutes(30), 60, person));
        Assert.Equal(StatusCode.FailedPrecondition, blackout.StatusCode);
        Assert.Contains("blackout:", blackout.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("(service)", blackout.Status.Detail, StringComparison.Ordinal);

        await hub.BookAsync(resource, day.AddHours(10), 60, person);
        await hub.BookAsync(resource, day.AddHours(12), 60, person);
        var maxActive = await BookingHub.FailsAsync(() => hub.BookAsync(resource, day.AddHours(14), 60, person));
        Assert.StartsWith("max_active:", maxActive.Status.Detail, StringComparison.Ordinal);

        var quotaResource = await hub.CreateResourceAsync(r => { r.QuotaMinutes = 120; r.QuotaPeriod = QuotaPeriod.Day; });
        await hub.BookAsync(quotaResource, day.AddHours(10), 90, person);
        var quota = await BookingHub.FailsAsync(() => hub.BookAsync(quotaResource, day.AddHours(14), 60, person));
        Assert.StartsWith("quota: at most 120 minutes per day", quota.Status.Detail, StringComparison.Ordinal);
        await hub.BookAsync(quotaResource, day.AddDays(1).AddHours(14), 60, person);
    }

    [Fact]
    public async Task CreateBooking_WhoMayBook_MembersOfNestedGroupOnly()
    {
        var parent = await hub.Groups.CreateGroupAsync(new CreateGroupRequest { Group = new Group { Name = "trained-" + Guid.NewGuid().ToString("N")[..8] } }, hub.Admin).ResponseAsync.WithTimeout();
        var child = await hub.Groups.CreateGroupAsync(new CreateGroupRequest { Group = new Group { Name = "course-" + Guid.NewGuid().ToString("N")[..8] } }, hub.Admin).ResponseAsync.WithTimeout();
        await hub.Groups.AddNestingAsync(new AddNestingRequest { ParentGroupId = parent.Id, ChildGroupId = child.Id }, hub.Admin).ResponseAsync.WithTimeout();
        var trained = await hub.CreatePersonAsync();
        await hub.Memberships.CreateMembershipAsync(new CreateMembershipRequest { Membership = new Membership { PersonId = trained, GroupId = child.Id } }, hub.Admin).ResponseAsync.WithTimeout();
        var resource = await hub.CreateResourceAsync(r => r.AllowedGroupIds.Add(parent.Id));
        var start = hub.Day(2).AddHours(10);

        var stranger = await BookingHub.FailsAsync(async () => await hub.BookAsync(resource, start, 60, await hub.CreatePersonAsync()));
        Assert.StartsWith("allowed_groups:", stranger.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(BookingStatus.Confirmed, (await hub.BookAsync(resource, start, 60, trained)).Status);
    }

    [Fact]
    public async Task ApprovalFlow_PendingThenApprovedOrRejected()
    {
        var resource = await hub.CreateResourceAsync(r => r.ApprovalRequired = true);
        var (member, person) = await hub.SignInWithPersonAsync(Data.Entities.UserRole.Member);
        var day = hub.Day(2);

        var first = await hub.BookAsync(resource, day.AddHours(10), 60, "", member);
        Assert.Equal(BookingStatus.Pending, first.Status);
        Assert.Equal(person, first.PersonId);
        var denied = await BookingHub.FailsAsync(() => hub.Booking.ApproveBookingAsync(new DecideBookingRequest { Id = first.Id }, member).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);

        var approved = await hub.Booking.ApproveBookingAsync(new DecideBookingRequest { Id = first.Id, Etag = first.Etag }, hub.Operator).ResponseAsync.WithTimeout();
        Assert.Equal(BookingStatus.Confirmed, approved.Status);

        var second = await hub.BookAsync(resource, day.AddHours(12), 60, "", member);
        var rejected = await hub.Booking.RejectBookingAsync(new DecideBookingRequest { Id = second.Id, Reason = "not trained" }, hub.Admin).ResponseAsync.WithTimeout();
        Assert.Equal(BookingStatus.Rejected, rejected.Status);
        Assert.Equal("not trained", rejected.DecisionReason);

        var again = await BookingHub.FailsAsync(() => hub.Booking.ApproveBookingAsync(new DecideBookingRequest { Id = second.Id }, hub.Admin).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);

        // The rejected booking no longer holds its slot.
        await hub.BookAsync(resource, day.AddHours(12), 60, person);
    }

    [Fact]
    public async Task CancelBooking_CutoffAndOverride()
    {
        var resource = await hub.CreateResourceAsync(r => r.CancelCutoffMinutes = 120);
        var (member, _) = await hub.SignInWithPersonAsync(Data.Entities.UserRole.Member);
        var soon = await hub.BookAsync(resource, hub.QuarterFromNow(2), 60, "", member);
        var later = await hub.BookAsync(resource, hub.Day(3).AddHours(10), 60, "", member);

        var late = await BookingHub.FailsAsync(() => hub.Booking.CancelBookingAsync(new CancelBookingRequest { Id = soon.Id }, member).ResponseAsync);
        Assert.StartsWith("cancel_cutoff:", late.Status.Detail, StringComparison.Ordinal);
        var memberOverride = await BookingHub.FailsAsync(() => hub.Booking.CancelBookingAsync(new CancelBookingRequest { Id = soon.Id, RulesOverride = true }, member).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, memberOverride.StatusCode);

        var byAdmin = await hub.Booking.CancelBookingAsync(new CancelBookingRequest { Id = soon.Id, RulesOverride = true, Reason = "broken" }, hub.Admin).ResponseAsync.WithTimeout();
        Assert.Equal(BookingStatus.Cancelled, byAdmin.Status);
        Assert.True(byAdmin.RulesOverride);
        var mine = await hub.Booking.CancelBookingAsync(new CancelBookingRequest { Id = later.Id, Etag = later.Etag }, member).ResponseAsync.WithTimeout();
        Assert.Equal(BookingStatus.Cancelled, mine.Status);
    }

    [Fact]
    public async Task CheckIn_OnlyInsideWindow()
    {
        var resource = await hub.CreateResourceAsync(r => r.CheckInWindowMinutes = 15);
        var (member, _) = await hub.SignInWithPersonAsync(Data.Entities.UserRole.Member);
        var early = await hub.BookAsync(resource, hub.QuarterFromNow(4), 60, "", member);
        var ex = await BookingHub.FailsAsync(() => hub.Booking.CheckInAsync(new CheckInRequest { Id = early.Id }, member).ResponseAsync);
        Assert.StartsWith("check_in_window:", ex.Status.Detail, StringComparison.Ordinal);

        // Starts at the next quarter hour: less than 15 minutes away, inside the window.
        var next = await hub.BookAsync(resource, hub.QuarterFromNow(0), 15, "", member);
        var checkedIn = await hub.Booking.CheckInAsync(new CheckInRequest { Id = next.Id }, member).ResponseAsync.WithTimeout();
        Assert.Equal(BookingStatus.CheckedIn, checkedIn.Status);
        Assert.NotNull(checkedIn.CheckInTime);
    }

    [Fact]
    public async Task CreateBooking_AdminOverride_BooksPastRulesAndIsAudited()
    {
        var resource = await hub.CreateResourceAsync(r => r.MinNoticeMinutes = 7 * 24 * 60);
        var person = await hub.CreatePersonAsync();
        var start = hub.Day(1).AddHours(10);

        var refused = await BookingHub.FailsAsync(() => hub.BookAsync(resource, start, 60, person));
        Assert.StartsWith("min_notice:", refused.Status.Detail, StringComparison.Ordinal);
        var booked = await hub.BookAsync(resource, start, 60, person, rulesOverride: true);
        Assert.True(booked.RulesOverride);

        // Never past another booking, though.
        var taken = await BookingHub.FailsAsync(() => hub.BookAsync(resource, start, 60, person, rulesOverride: true));
        Assert.Equal(StatusCode.FailedPrecondition, taken.StatusCode);

        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var audit = await db.AuditEntries.SingleAsync(a => a.EntityType == "Booking" && a.EntityId == booked.Id).WithTimeout();
        Assert.Equal("create", audit.Action);
        Assert.Contains("\"rules_override\": true", audit.After, StringComparison.Ordinal);
        Assert.NotNull(audit.ActorId);
    }
}
