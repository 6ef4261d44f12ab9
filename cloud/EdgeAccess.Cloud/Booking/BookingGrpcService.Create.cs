using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Booking.Notifications;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Booking;

public sealed partial class BookingGrpcService
{
    private const int MaxGroupResources = 20;

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Member)]
    public override async Task<Protos.V1.Booking> CreateBooking(CreateBookingRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Booking ?? throw ApiErrors.Invalid("booking", "is required");
        var resourceId = Validate.Id(input.ResourceId, "booking.resource_id");
        var span = ReadSpan(input.StartTime, input.EndTime, "booking.start_time", "booking.end_time");
        var note = Validate.OptionalText(input.Note, "booking.note", 1000) ?? "";
        var rulesOverride = Override(caller, request.RulesOverride);
        var personId = ActingFor(caller, input.PersonId, "booking.person_id");
        return await WithAlternativesAsync(() => idempotency.CreateAsync(db, caller, request.RequestId, request, Protos.V1.Booking.Parser, () => InTransactionAsync(async () =>
        {
            var resource = await _policy.LoadAsync(resourceId, ct);
            var booking = await AddBookingAsync(caller, resource, personId, span, note, rulesOverride, "booking", ct);
            await SaveAsync(caller.ToActor(request.RequestId), [resourceId], span,
                c => events.EmitAsync(booking, BookingEventTypes.Created, schedule: true, c), ct);
            BookingLog.Created(logger, caller.Username, resourceId, span.Start, booking.Id, booking.Status.ToString());
            return booking.ToProto();
        }, ct), ct), ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Member)]
    public override async Task<CreateBookingGroupResponse> CreateBookingGroup(CreateBookingGroupRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var resourceIds = AdminFields.ReadIds(request.ResourceIds, "resource_ids", MaxGroupResources);
        if (resourceIds.Count == 0)
        {
            throw ApiErrors.Invalid("resource_ids", "name at least one resource");
        }

        var span = ReadSpan(request.StartTime, request.EndTime, "start_time", "end_time");
        var note = Validate.OptionalText(request.Note, "note", 1000) ?? "";
        var rulesOverride = Override(caller, request.RulesOverride);
        var personId = ActingFor(caller, request.PersonId, "person_id");

        // Lock order by id, so two groups sharing resources cannot deadlock on each other's rows.
        var ordered = resourceIds.Order().ToList();
        return await WithAlternativesAsync(() => idempotency.CreateAsync(db, caller, request.RequestId, request, CreateBookingGroupResponse.Parser, () => InTransactionAsync(async () =>
        {
            var groupId = AdminWrites.NewId(time);
            var response = new CreateBookingGroupResponse { GroupId = groupId.ToString() };
            var bookings = new List<Stored.Booking>();
            foreach (var resourceId in ordered)
            {
                var resource = await _policy.LoadAsync(resourceId, ct);
                if (await _policy.IsTakenAsync(resource, span, null, ct))
                {
                    throw new BookingConflictException(resourceId, span);
                }

                var booking = await AddBookingAsync(caller, resource, personId, span, note, rulesOverride, "", ct);
                booking.GroupId = groupId;
                bookings.Add(booking);
            }

            await SaveAsync(caller.ToActor(request.RequestId), ordered, span, async c =>
            {
                foreach (var booking in bookings)
                {
                    await events.EmitAsync(booking, BookingEventTypes.Created, schedule: true, c);
                }
            }, ct);
            foreach (var booking in bookings)
            {
                BookingLog.Created(logger, caller.Username, booking.ResourceId, span.Start, booking.Id, booking.Status.ToString());
            }

            response.Bookings.AddRange(resourceIds.Select(id => bookings.Single(b => b.ResourceId == id).ToProto()));
            return response;
        }, ct), ct), ct);
    }

    /// <summary>
    /// Checks the rules (unless overridden) and tracks a new booking; the caller saves. A slot
    /// already taken is answered here, after the rules (BookingConflictException), before the insert
    /// would run into the exclusion constraint, which still has the last word on overlaps (a race
    /// with a booking not yet committed).
    /// </summary>
    private async Task<Stored.Booking> AddBookingAsync(
        Caller caller, ResourceContext resource, Guid personId, Span span, string note, bool rulesOverride, string prefix, CancellationToken ct)
    {
        var field = prefix.Length == 0 ? "" : prefix + ".";
        BookingPolicy.CheckShape(resource, span, field + "start_time", field + "end_time", rulesOverride);
        bool taken;
        if (rulesOverride)
        {
            BookingLog.Overridden(logger, caller.Username, resource.Resource.Id);
            taken = await _policy.IsTakenAsync(resource, span, null, ct);
        }
        else
        {
            taken = await _policy.CheckRequestAsync(resource, personId, span, null, ct);
        }

        // The lock (held to commit) serializes only the counted rules, so it is taken after the
        // reads above; an override takes it too, so a concurrent counted request sees its booking.
        await _policy.LockAsync(resource.Resource.Id, personId, ct);
        if (!rulesOverride)
        {
            await _policy.CheckLimitsAsync(resource, personId, span, null, _policy.Now, ct);
        }

        if (taken)
        {
            throw new BookingConflictException(resource.Resource.Id, span);
        }

        var booking = new Stored.Booking
        {
            Id = AdminWrites.NewId(time),
            ResourceId = resource.Resource.Id,
            PersonId = personId,
            StartsAt = span.Start,
            EndsAt = span.End,
            OccupiedUntil = span.End.AddMinutes(resource.Rules.BufferMinutes),
            Status = resource.Rules.ApprovalRequired && !rulesOverride ? Stored.BookingStatus.Pending : Stored.BookingStatus.Confirmed,
            Note = note,
            RulesOverride = rulesOverride,
            BookedBy = caller.UserId,
        };
        db.Bookings.Add(booking);
        return booking;
    }
}
