using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Booking.Notifications;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Booking;

public sealed partial class BookingGrpcService
{
    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Member)]
    public override async Task<Protos.V1.Booking> UpdateBooking(UpdateBookingRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Booking ?? throw ApiErrors.Invalid("booking", "is required");
        var id = Validate.Id(input.Id, "booking.id");
        var etag = Validate.Etag(input.Etag, "booking.etag");
        var span = ReadSpan(input.StartTime, input.EndTime, "booking.start_time", "booking.end_time");
        var note = Validate.OptionalText(input.Note, "booking.note", 1000) ?? "";
        var rulesOverride = Override(caller, request.RulesOverride);
        return await WithAlternativesAsync(() => InTransactionAsync(async () =>
        {
            var booking = await LoadForChangeAsync(caller, id, etag, ct);
            if (booking.Status is not (Stored.BookingStatus.Pending or Stored.BookingStatus.Confirmed))
            {
                throw ApiErrors.FailedPrecondition($"booking {id} is {booking.Status.ToString().ToLowerInvariant()} and can no longer be changed");
            }

            var resource = await _policy.LoadAsync(booking.ResourceId, ct);
            var moved = span != new Span(booking.StartsAt, booking.EndsAt);
            if (moved)
            {
                if (!rulesOverride && booking.StartsAt <= _policy.Now)
                {
                    throw ApiErrors.FailedPrecondition($"booking {id} has already started; only its note can change");
                }

                BookingPolicy.CheckShape(resource, span, "booking.start_time", "booking.end_time", rulesOverride);
                await _policy.LockAsync(booking.ResourceId, booking.PersonId, ct);
                if (!rulesOverride)
                {
                    await _policy.CheckRulesAsync(resource, booking.PersonId, span, booking.Id, ct);
                }

                booking.StartsAt = span.Start;
                booking.EndsAt = span.End;
                booking.OccupiedUntil = span.End.AddMinutes(resource.Rules.BufferMinutes);
                booking.RulesOverride |= rulesOverride;
            }

            booking.Note = note;
            await SaveAsync(caller.ToActor(), [booking.ResourceId], span, c => events.EmitAsync(booking, BookingEventTypes.Modified, schedule: moved, c), ct);
            BookingLog.Changed(logger, caller.Username, id, "updated");
            return booking.ToProto();
        }, ct), ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Member)]
    public override async Task<Protos.V1.Booking> CancelBooking(CancelBookingRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var reason = Validate.OptionalText(request.Reason, "reason", 500);
        var rulesOverride = Override(caller, request.RulesOverride);
        var booking = await LoadForChangeAsync(caller, id, etag, ct);
        if (booking.Status is not (Stored.BookingStatus.Pending or Stored.BookingStatus.Confirmed))
        {
            throw ApiErrors.FailedPrecondition($"booking {id} is {booking.Status.ToString().ToLowerInvariant()} and cannot be cancelled");
        }

        var rules = await db.BookingRules.AsNoTracking().SingleAsync(r => r.ResourceId == booking.ResourceId, ct);
        if (!rulesOverride && _policy.Now > booking.StartsAt.AddMinutes(-rules.CancelCutoffMinutes))
        {
            throw ApiErrors.FailedPrecondition(rules.CancelCutoffMinutes == 0
                ? $"cancel_cutoff: booking {id} has already started"
                : $"cancel_cutoff: bookings can be cancelled until {rules.CancelCutoffMinutes} minutes before their start");
        }

        return await DecideAsync(caller, booking, Stored.BookingStatus.Cancelled, reason, rulesOverride, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator)]
    public override Task<Protos.V1.Booking> ApproveBooking(DecideBookingRequest request, ServerCallContext context) =>
        DecidePendingAsync(request, context, Stored.BookingStatus.Confirmed);

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator)]
    public override Task<Protos.V1.Booking> RejectBooking(DecideBookingRequest request, ServerCallContext context) =>
        DecidePendingAsync(request, context, Stored.BookingStatus.Rejected);

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Member)]
    public override async Task<Protos.V1.Booking> CheckIn(CheckInRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var booking = await LoadForChangeAsync(caller, id, null, ct);
        if (booking.Status != Stored.BookingStatus.Confirmed)
        {
            throw ApiErrors.FailedPrecondition($"booking {id} is {booking.Status.ToString().ToLowerInvariant()}; only confirmed bookings can be checked in");
        }

        var rules = await db.BookingRules.AsNoTracking().SingleAsync(r => r.ResourceId == booking.ResourceId, ct);
        var now = _policy.Now;
        var window = TimeSpan.FromMinutes(rules.CheckInWindowMinutes);
        if (now < booking.StartsAt - window || now > booking.StartsAt + window || now >= booking.EndsAt)
        {
            throw ApiErrors.FailedPrecondition($"check_in_window: check-in is open from {rules.CheckInWindowMinutes} minutes before to {rules.CheckInWindowMinutes} minutes after the start");
        }

        booking.Status = Stored.BookingStatus.CheckedIn;
        booking.CheckedInAt = Admin.Sites.AdminFields.Truncate(now);
        return await InTransactionAsync(async () =>
        {
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), BookingKind, c => events.EmitAsync(booking, BookingEventTypes.CheckedIn, schedule: false, c), ct);
            BookingLog.Changed(logger, caller.Username, id, "checked in");
            return booking.ToProto();
        }, ct);
    }

    private async Task<Protos.V1.Booking> DecidePendingAsync(DecideBookingRequest request, ServerCallContext context, Stored.BookingStatus decision)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var reason = Validate.OptionalText(request.Reason, "reason", 500);
        var booking = await LoadForChangeAsync(caller, id, etag, ct);
        if (booking.Status != Stored.BookingStatus.Pending)
        {
            throw ApiErrors.FailedPrecondition($"booking {id} is {booking.Status.ToString().ToLowerInvariant()}; only pending bookings can be approved or rejected");
        }

        return await DecideAsync(caller, booking, decision, reason, false, ct);
    }

    private async Task<Protos.V1.Booking> DecideAsync(Caller caller, Stored.Booking booking, Stored.BookingStatus status, string? reason, bool rulesOverride, CancellationToken ct)
    {
        booking.Status = status;
        booking.DecidedBy = caller.UserId;
        booking.DecidedAt = Admin.Sites.AdminFields.Truncate(_policy.Now);
        booking.DecisionReason = reason;
        booking.RulesOverride |= rulesOverride;
        return await InTransactionAsync(async () =>
        {
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), BookingKind, c => events.EmitAsync(booking, BookingEventTypes.ForDecision(status), schedule: false, c), ct);
            BookingLog.Changed(logger, caller.Username, booking.Id, status.ToString().ToLowerInvariant());
            return booking.ToProto();
        }, ct);
    }

    /// <summary>The tracked booking, its owner checked (members: their own) and its etag.</summary>
    private async Task<Stored.Booking> LoadForChangeAsync(Caller caller, Guid id, long? etag, CancellationToken ct)
    {
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == id, ct) ?? throw ApiErrors.NotFound(BookingKind, id);
        CheckOwner(caller, booking);
        AdminWrites.CheckEtag(db, booking, id, etag, BookingKind);
        return booking;
    }
}
