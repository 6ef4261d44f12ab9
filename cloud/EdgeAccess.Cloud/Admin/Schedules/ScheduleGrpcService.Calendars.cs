using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Admin.Schedules;

public sealed partial class ScheduleGrpcService
{
    private const string CalendarKind = "holiday calendar";

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<HolidayCalendar> CreateHolidayCalendar(CreateHolidayCalendarRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Calendar ?? throw ApiErrors.Invalid("calendar", "is required");
        var siteId = Validate.Id(input.SiteId, "calendar.site_id");
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var (name, holidays) = ReadCalendar(input, id);
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, HolidayCalendar.Parser, async () =>
        {
            await EnsureSiteAsync(siteId, "calendar.site_id", ct);
            await EnsureCalendarNameFreeAsync(siteId, name, null, ct);
            var calendar = new Stored.HolidayCalendar { Id = id, SiteId = siteId, Name = name, CreatedAt = now, UpdatedAt = now, Holidays = holidays };
            db.HolidayCalendars.Add(calendar);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), CalendarKind, ct);
            AdminLog.Created(logger, caller.Username, CalendarKind, id);
            return ToProto(calendar);
        }, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<HolidayCalendar> GetHolidayCalendar(GetHolidayCalendarRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var calendar = await db.HolidayCalendars.AsNoTracking().Include(c => c.Holidays).SingleOrDefaultAsync(c => c.Id == id, context.CancellationToken)
            ?? throw ApiErrors.NotFound(CalendarKind, id);
        return ToProto(calendar);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<ListHolidayCalendarsResponse> ListHolidayCalendars(ListHolidayCalendarsRequest request, ServerCallContext context)
    {
        var siteId = Validate.OptionalId(request.SiteId, "site_id");
        var fingerprint = $"calendars|{siteId}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        var query = db.HolidayCalendars.AsNoTracking().Include(c => c.Holidays).AsQueryable();
        if (siteId is { } site)
        {
            query = query.Where(c => c.SiteId == site);
        }

        if (page.After is { } after)
        {
            query = query.Where(c => c.Id > after);
        }

        var calendars = await query.OrderBy(c => c.Id).Take(page.Size + 1).AsSplitQuery().ToListAsync(context.CancellationToken);
        var response = new ListHolidayCalendarsResponse { NextPageToken = page.NextToken(calendars, c => c.Id, fingerprint) };
        response.Calendars.AddRange(calendars.Select(ToProto));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<HolidayCalendar> UpdateHolidayCalendar(UpdateHolidayCalendarRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Calendar ?? throw ApiErrors.Invalid("calendar", "is required");
        var id = Validate.Id(input.Id, "calendar.id");
        var etag = Validate.Etag(input.Etag, "calendar.etag");
        var siteId = Validate.OptionalId(input.SiteId, "calendar.site_id");
        var (name, holidays) = ReadCalendar(input, id);

        var calendar = await db.HolidayCalendars.Include(c => c.Holidays).SingleOrDefaultAsync(c => c.Id == id, ct)
            ?? throw ApiErrors.NotFound(CalendarKind, id);
        AdminWrites.CheckEtag(db, calendar, id, etag, CalendarKind);
        if (siteId is { } site && site != calendar.SiteId)
        {
            throw ApiErrors.Invalid("calendar.site_id", "cannot be changed; create the calendar on the other site instead");
        }

        if (calendar.Name != name)
        {
            await EnsureCalendarNameFreeAsync(calendar.SiteId, name, id, ct);
        }

        calendar.Name = name;
        // Holidays are keyed by (calendar, date): keep the rows whose date stays, so a rename is an
        // update and the change tracker never holds two rows with one key.
        var wanted = holidays.ToDictionary(h => h.Date);
        foreach (var holiday in calendar.Holidays.ToList())
        {
            if (wanted.Remove(holiday.Date, out var replacement))
            {
                holiday.Name = replacement.Name;
            }
            else
            {
                calendar.Holidays.Remove(holiday);
                db.Remove(holiday);
            }
        }

        calendar.Holidays.AddRange(wanted.Values);
        if (db.ChangeTracker.HasChanges())
        {
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), CalendarKind, ct);
            AdminLog.Updated(logger, caller.Username, CalendarKind, id, calendar.Version);
        }

        return ToProto(calendar);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Empty> DeleteHolidayCalendar(DeleteHolidayCalendarRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var calendar = await db.HolidayCalendars.Include(c => c.Holidays).SingleOrDefaultAsync(c => c.Id == id, ct)
            ?? throw ApiErrors.NotFound(CalendarKind, id);
        AdminWrites.CheckEtag(db, calendar, id, etag, CalendarKind);

        var schedules = await db.Schedules.Where(s => s.Calendars.Any(c => c.CalendarId == id)).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(ct);
        if (schedules.Count > 0)
        {
            AdminLog.DeleteRefused(logger, caller.Username, CalendarKind, id);
            throw ApiErrors.FailedPrecondition(
                $"holiday calendar {id} is still honoured by {schedules.Count} schedules ({AdminFields.Names(schedules)}); unlink it from them first");
        }

        db.RemoveRange(calendar.Holidays);
        db.HolidayCalendars.Remove(calendar);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), CalendarKind, ct);
        AdminLog.Deleted(logger, caller.Username, CalendarKind, id);
        return new Empty();
    }
}
