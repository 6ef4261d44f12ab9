using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Admin.Schedules;

/// <summary>
/// <c>edgeaccess.v1.ScheduleService</c>: time schedules and holiday calendars of a site. Admins
/// manage them; operators and auditors read.
/// </summary>
public sealed partial class ScheduleGrpcService(
    HubDbContext db, HubChanges changes, Idempotency idempotency, TimeProvider time, ILogger<ScheduleGrpcService> logger)
    : ScheduleService.ServiceBase
{
    private const string ScheduleKind = "schedule";

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Schedule> CreateSchedule(CreateScheduleRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Schedule ?? throw ApiErrors.Invalid("schedule", "is required");
        var siteId = Validate.Id(input.SiteId, "schedule.site_id");
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var read = ReadSchedule(input, id);
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, Schedule.Parser, async () =>
        {
            await EnsureSiteAsync(siteId, "schedule.site_id", ct);
            await EnsureScheduleNameFreeAsync(siteId, read.Name, null, ct);
            await CheckCalendarsAsync(siteId, read.CalendarIds, ct);
            var schedule = new Stored.Schedule
            {
                Id = id,
                SiteId = siteId,
                Name = read.Name,
                Definition = read.Definition,
                IgnoresHolidays = read.IgnoresHolidays,
                Calendars = [.. read.CalendarIds.Select(c => new Stored.ScheduleCalendar { ScheduleId = id, CalendarId = c })],
            };
            db.Schedules.Add(schedule);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), ScheduleKind, ct);
            AdminLog.Created(logger, caller.Username, ScheduleKind, id);
            return ToProto(schedule);
        }, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<Schedule> GetSchedule(GetScheduleRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var schedule = await db.Schedules.AsNoTracking().Include(s => s.Calendars).SingleOrDefaultAsync(s => s.Id == id, context.CancellationToken)
            ?? throw ApiErrors.NotFound(ScheduleKind, id);
        return ToProto(schedule);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<ListSchedulesResponse> ListSchedules(ListSchedulesRequest request, ServerCallContext context)
    {
        var siteId = Validate.OptionalId(request.SiteId, "site_id");
        var fingerprint = $"schedules|{siteId}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        var query = db.Schedules.AsNoTracking().Include(s => s.Calendars).AsQueryable();
        if (siteId is { } site)
        {
            query = query.Where(s => s.SiteId == site);
        }

        if (page.After is { } after)
        {
            query = query.Where(s => s.Id > after);
        }

        var schedules = await query.OrderBy(s => s.Id).Take(page.Size + 1).AsSplitQuery().ToListAsync(context.CancellationToken);
        var response = new ListSchedulesResponse { NextPageToken = page.NextToken(schedules, s => s.Id, fingerprint) };
        response.Schedules.AddRange(schedules.Select(ToProto));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Schedule> UpdateSchedule(UpdateScheduleRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Schedule ?? throw ApiErrors.Invalid("schedule", "is required");
        var id = Validate.Id(input.Id, "schedule.id");
        var etag = Validate.Etag(input.Etag, "schedule.etag");
        var siteId = Validate.OptionalId(input.SiteId, "schedule.site_id");
        var read = ReadSchedule(input, id);

        var schedule = await db.Schedules.Include(s => s.Calendars).SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw ApiErrors.NotFound(ScheduleKind, id);
        AdminWrites.CheckEtag(db, schedule, id, etag, ScheduleKind);
        if (siteId is { } site && site != schedule.SiteId)
        {
            throw ApiErrors.Invalid("schedule.site_id", "cannot be changed; create the schedule on the other site instead");
        }

        if (schedule.Name != read.Name)
        {
            await EnsureScheduleNameFreeAsync(schedule.SiteId, read.Name, id, ct);
        }

        await CheckCalendarsAsync(schedule.SiteId, read.CalendarIds, ct);
        schedule.Name = read.Name;
        schedule.IgnoresHolidays = read.IgnoresHolidays;
        // The stored jsonb comes back reformatted: compare by content, not by text.
        if (ScheduleJson.ToJson(ScheduleJson.Parse(id, read.Name, schedule.Definition)) != read.Definition)
        {
            schedule.Definition = read.Definition;
        }

        foreach (var link in schedule.Calendars.Where(l => !read.CalendarIds.Contains(l.CalendarId)).ToList())
        {
            schedule.Calendars.Remove(link);
            db.Remove(link);
        }

        foreach (var calendarId in read.CalendarIds.Where(c => !schedule.Calendars.Any(l => l.CalendarId == c)))
        {
            schedule.Calendars.Add(new Stored.ScheduleCalendar { ScheduleId = id, CalendarId = calendarId });
        }

        if (db.ChangeTracker.HasChanges())
        {
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), ScheduleKind, ct);
            AdminLog.Updated(logger, caller.Username, ScheduleKind, id, schedule.Version);
        }

        return ToProto(schedule);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Empty> DeleteSchedule(DeleteScheduleRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var schedule = await db.Schedules.Include(s => s.Calendars).SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw ApiErrors.NotFound(ScheduleKind, id);
        AdminWrites.CheckEtag(db, schedule, id, etag, ScheduleKind);

        var schemes = await db.AccessSchemes.Where(s => s.ScheduleId == id).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(ct);
        var grants = await db.DirectGrants.CountAsync(g => g.ScheduleId == id, ct);
        if (schemes.Count + grants > 0)
        {
            AdminLog.DeleteRefused(logger, caller.Username, ScheduleKind, id);
            throw ApiErrors.FailedPrecondition(
                $"schedule {id} is still used by {schemes.Count} access schemes{(schemes.Count > 0 ? " (" + AdminFields.Names(schemes) + ")" : "")} and {grants} direct grants; change them first");
        }

        db.RemoveRange(schedule.Calendars);
        db.Schedules.Remove(schedule);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), ScheduleKind, ct);
        AdminLog.Deleted(logger, caller.Username, ScheduleKind, id);
        return new Empty();
    }
}
