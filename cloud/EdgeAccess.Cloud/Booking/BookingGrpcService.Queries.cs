using System.Globalization;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using NodaTime.Text;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Booking;

public sealed partial class BookingGrpcService
{
    private const int MaxSlots = 2000;

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor, UserRole.Member)]
    public override async Task<Protos.V1.Booking> GetBooking(GetBookingRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var id = Validate.Id(request.Id, "id");
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, context.CancellationToken) ?? throw ApiErrors.NotFound(BookingKind, id);
        CheckOwner(caller, booking);
        return booking.ToProto();
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor, UserRole.Member)]
    public override async Task<ListBookingsResponse> ListBookings(ListBookingsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var resourceId = Validate.OptionalId(request.ResourceId, "resource_id");
        var siteId = Validate.OptionalId(request.SiteId, "site_id");
        var personId = caller.Role == UserRole.Member ? ActingFor(caller, request.PersonId, "person_id") : Validate.OptionalId(request.PersonId, "person_id");
        var (from, to) = AdminFields.Window(request.From, request.To, "from", "to");
        var statuses = request.Statuses.Select((s, i) => s is >= Protos.V1.BookingStatus.Pending and <= Protos.V1.BookingStatus.Rejected
            ? (Stored.BookingStatus)(int)s
            : throw ApiErrors.Invalid(AdminFields.Indexed("statuses", i), "is not a booking status")).Distinct().ToList();
        var fingerprint = string.Create(CultureInfo.InvariantCulture, $"bookings|{resourceId}|{siteId}|{personId}|{from:o}|{to:o}|{string.Join(',', statuses.Order())}");
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);

        var query = db.Bookings.AsNoTracking();
        if (resourceId is { } resource)
        {
            query = query.Where(b => b.ResourceId == resource);
        }

        if (siteId is { } site)
        {
            query = query.Where(b => db.BookingResources.Any(r => r.Id == b.ResourceId && r.SiteId == site));
        }

        if (personId is { } person)
        {
            query = query.Where(b => b.PersonId == person);
        }

        if (from is { } f)
        {
            query = query.Where(b => b.EndsAt > f);
        }

        if (to is { } t)
        {
            query = query.Where(b => b.StartsAt < t);
        }

        if (statuses.Count > 0)
        {
            query = query.Where(b => statuses.Contains(b.Status));
        }

        if (page.After is { } after)
        {
            query = query.Where(b => b.Id > after);
        }

        var rows = await query.OrderBy(b => b.Id).Take(page.Size + 1).ToListAsync(context.CancellationToken);
        var response = new ListBookingsResponse { NextPageToken = page.NextToken(rows, b => b.Id, fingerprint) };
        response.Bookings.AddRange(rows.Select(b => b.ToProto()));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor, UserRole.Member)]
    public override async Task<Availability> GetAvailability(GetAvailabilityRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var resourceId = Validate.Id(request.ResourceId, "resource_id");
        var parsed = LocalDatePattern.Iso.Parse(request.Date ?? "");
        if (!parsed.Success)
        {
            throw ApiErrors.Invalid("date", "must be a date \"YYYY-MM-DD\" in the site's time zone");
        }

        var days = request.Span switch
        {
            AvailabilitySpan.Unspecified or AvailabilitySpan.Day => 1,
            AvailabilitySpan.Week => 7,
            _ => throw ApiErrors.Invalid("span", "must be AVAILABILITY_SPAN_DAY or AVAILABILITY_SPAN_WEEK"),
        };
        if (request.DurationMinutes < 0 || request.DurationMinutes > 1440 * 7)
        {
            throw ApiErrors.Invalid("duration_minutes", "must be between 0 and 10080");
        }

        var resource = await _policy.LoadAsync(resourceId, ct);
        var grid = resource.Grid;
        var window = new Span(grid.StartOfDay(parsed.Value), grid.StartOfDay(parsed.Value.PlusDays(days)));
        var answer = new Availability { ResourceId = resourceId.ToString(), TimeZone = grid.Zone.Id };
        if (!resource.Resource.Active)
        {
            return answer;
        }

        var free = await _policy.FreeTimeAsync(resource, window, honourNotice: true, ct);
        var minutes = request.DurationMinutes == 0 ? resource.Rules.MinDurationMinutes : request.DurationMinutes;
        answer.Free.AddRange(free.Intervals(window).Select(s => s.ToProto()));
        answer.Slots.AddRange(free.Slots(window, minutes, MaxSlots).Select(s => s.ToProto()));
        return answer;
    }
}
