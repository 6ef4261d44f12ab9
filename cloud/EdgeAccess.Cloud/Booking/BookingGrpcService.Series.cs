using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Booking;

public sealed partial class BookingGrpcService
{
    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Member)]
    public override async Task<CreateBookingSeriesResponse> CreateBookingSeries(CreateBookingSeriesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.First ?? throw ApiErrors.Invalid("first", "is required");
        var resourceId = Validate.Id(input.ResourceId, "first.resource_id");
        var first = ReadSpan(input.StartTime, input.EndTime, "first.start_time", "first.end_time");
        var note = Validate.OptionalText(input.Note, "first.note", 1000) ?? "";
        var rulesOverride = Override(caller, request.RulesOverride);
        var personId = ActingFor(caller, input.PersonId, "first.person_id");
        return await WithAlternativesAsync(() => idempotency.CreateAsync(db, caller, request.RequestId, request, CreateBookingSeriesResponse.Parser, () => InTransactionAsync(async () =>
        {
            var resource = await _policy.LoadAsync(resourceId, ct);
            BookingPolicy.CheckShape(resource, first, "first.start_time", "first.end_time", rulesOverride);
            var occurrences = Recurrence.Expand(resource.Grid, first, request.Recurrence);
            var seriesId = AdminWrites.NewId(time);
            var response = new CreateBookingSeriesResponse();
            foreach (var span in occurrences)
            {
                var result = new OccurrenceResult { Slot = span.ToProto() };
                response.Occurrences.Add(result);
                Data.Entities.Booking booking;
                try
                {
                    // Checked before the insert so one taken occurrence does not abort the transaction;
                    // the exclusion constraint still catches a concurrent writer (then nothing is booked).
                    if (await _policy.IsTakenAsync(resource, span, null, ct))
                    {
                        result.Conflict = "the resource is booked at that time";
                        continue;
                    }

                    booking = await AddBookingAsync(caller, resource, personId, span, note, rulesOverride, "first", ct);
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.FailedPrecondition or StatusCode.InvalidArgument)
                {
                    result.Conflict = ex.Status.Detail;
                    continue;
                }

                booking.SeriesId = seriesId;
                await SaveAsync(caller.ToActor(request.RequestId), [resourceId], span,
                    c => events.EmitAsync(booking, Notifications.BookingEventTypes.Created, schedule: true, c), ct);
                result.Booking = booking.ToProto();
            }

            response.Booked = response.Occurrences.Count(o => o.Booking is not null);
            response.Conflicts = response.Occurrences.Count - response.Booked;
            if (response.Conflicts > 0 && !request.SkipConflicts)
            {
                var list = response.Occurrences.Select((o, i) => (o, i)).Where(x => x.o.Booking is null)
                    .Select(x => $"#{x.i + 1} {resource.Grid.Show(x.o.Slot.StartTime.ToDateTimeOffset())}: {x.o.Conflict}");
                throw ApiErrors.FailedPrecondition(
                    $"{response.Conflicts} of {response.Occurrences.Count} occurrences cannot be booked, so none was (send skip_conflicts to book the other {response.Booked}): {string.Join("; ", list.Take(10))}");
            }

            response.SeriesId = response.Booked > 0 ? seriesId.ToString() : "";
            BookingLog.Series(logger, caller.Username, seriesId, response.Booked, response.Conflicts);
            return response;
        }, ct), ct), ct);
    }
}
