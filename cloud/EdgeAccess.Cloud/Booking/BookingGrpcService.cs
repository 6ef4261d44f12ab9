using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Booking.Notifications;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Booking;

/// <summary>
/// <c>edgeaccess.v1.BookingService</c>: bookable resources, their rules and blackouts, and
/// bookings. Admins manage resources and rules; admins and operators manage blackouts, book for
/// anyone and decide approvals; members book, cancel and check in for their own person; auditors
/// read. Every write saves through <see cref="HubChanges"/> (audit, stamping, and the rights of the
/// booker at the resource's doors: an active booking opens them). Every booking change then enqueues its event (and on create or move
/// its reminders and no-show check) with <see cref="BookingEvents"/> in the same transaction.
/// </summary>
public sealed partial class BookingGrpcService(
    HubDbContext db, HubChanges changes, Idempotency idempotency, TimeProvider time, BookingEvents events, ILogger<BookingGrpcService> logger)
    : BookingService.ServiceBase
{
    private const string ResourceKind = "resource";
    private const string BookingKind = "booking";
    private const string BlackoutKind = "blackout";
    private const string RulesKind = "resource rules";

    private readonly BookingPolicy _policy = new(db, time);

    private static bool IsStaff(Caller caller) => caller.Role is UserRole.Admin or UserRole.Operator;

    /// <summary>
    /// The person a booking request acts for: members only ever their own linked person (another
    /// person is PERMISSION_DENIED); staff name anyone, defaulting to their own linked person.
    /// </summary>
    private static Guid ActingFor(Caller caller, string personId, string field)
    {
        var requested = Validate.OptionalId(personId, field);
        if (IsStaff(caller))
        {
            return requested ?? caller.PersonId ?? throw ApiErrors.Invalid(field, "is required (your user is not linked to a person)");
        }

        var own = caller.PersonId ?? throw ApiErrors.FailedPrecondition("your user is not linked to a person, so it cannot book");
        if (requested is { } other && other != own)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{field}: members book only for themselves"));
        }

        return own;
    }

    /// <summary>Only staff may set rules_override.</summary>
    private static bool Override(Caller caller, bool requested) =>
        !requested || IsStaff(caller)
            ? requested
            : throw new RpcException(new Status(StatusCode.PermissionDenied, "rules_override: only admins and operators may book past the rules"));

    /// <summary>A member may touch only bookings of their own person.</summary>
    private static void CheckOwner(Caller caller, Data.Entities.Booking booking)
    {
        if (!IsStaff(caller) && caller.Role != UserRole.Auditor && booking.PersonId != caller.PersonId)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "members may only see and change their own bookings"));
        }
    }

    /// <summary>Saves through HubChanges; an overlap becomes <see cref="BookingConflictException"/>.</summary>
    private Task SaveAsync(ChangeActor actor, IReadOnlyList<Guid> resources, Span span, CancellationToken ct) =>
        SaveAsync(actor, resources, span, beforePublish: null, ct);

    /// <summary>
    /// As above; <paramref name="beforePublish"/> (enqueuing the booking's events) runs after the
    /// booking is saved and before the feed is published, so the site's feed lock is not held
    /// across the outbox writes.
    /// </summary>
    private async Task SaveAsync(ChangeActor actor, IReadOnlyList<Guid> resources, Span span, Func<CancellationToken, Task>? beforePublish, CancellationToken ct)
    {
        try
        {
            await AdminWrites.SaveAsync(changes, db, actor, BookingKind, beforePublish, ct);
        }
        catch (DbUpdateException ex) when (BookingConflict.IsOverlap(ex))
        {
            throw new BookingConflictException(resources, span);
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction of its own unless one is open (an idempotent
    /// create's), so the rule checks and the save commit or fail together.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await write();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await write();
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// Runs a booking write; when the slot turned out taken, answers FAILED_PRECONDITION with the
    /// nearest free alternatives, read after the failed transaction rolled back.
    /// </summary>
    private async Task<T> WithAlternativesAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        try
        {
            return await write();
        }
        catch (BookingConflictException conflict)
        {
            db.ChangeTracker.Clear();
            var context = await _policy.LoadAsync(conflict.Resources[0], ct);
            foreach (var resource in conflict.Resources.Skip(1))
            {
                // Several resources booked together: answer for the one that is taken now.
                if (await _policy.IsTakenAsync(context, conflict.Requested, null, ct))
                {
                    break;
                }

                context = await _policy.LoadAsync(resource, ct);
            }

            var alternatives = await _policy.AlternativesAsync(context, conflict.Requested, 3, ct);
            BookingLog.Conflict(logger, context.Resource.Id, conflict.Requested.Start, alternatives.Count);
            throw BookingConflict.Status(context.Resource.Name, context.Grid, conflict.Requested, alternatives);
        }
    }

    private static Span ReadSpan(Google.Protobuf.WellKnownTypes.Timestamp? start, Google.Protobuf.WellKnownTypes.Timestamp? end, string startField, string endField)
    {
        var from = Validate.Time(start, startField) ?? throw ApiErrors.Invalid(startField, "is required");
        var to = Validate.Time(end, endField) ?? throw ApiErrors.Invalid(endField, "is required");
        if (to <= from)
        {
            throw ApiErrors.Invalid(endField, "must be after " + startField);
        }

        return new Span(Admin.Sites.AdminFields.Truncate(from), Admin.Sites.AdminFields.Truncate(to));
    }
}
