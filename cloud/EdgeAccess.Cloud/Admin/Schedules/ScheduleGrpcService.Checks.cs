using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Admin.Schedules;

public sealed partial class ScheduleGrpcService
{
    private async Task EnsureSiteAsync(Guid siteId, string field, CancellationToken ct)
    {
        if (!await db.Sites.AnyAsync(s => s.Id == siteId, ct))
        {
            throw ApiErrors.Invalid(field, $"site {siteId} does not exist");
        }
    }

    private async Task EnsureScheduleNameFreeAsync(Guid siteId, string name, Guid? except, CancellationToken ct)
    {
        if (await db.Schedules.AnyAsync(s => s.SiteId == siteId && s.Name == name && s.Id != except, ct))
        {
            throw ApiErrors.AlreadyExists($"a schedule named \"{name}\" already exists on site {siteId}");
        }
    }

    private async Task CheckCalendarsAsync(Guid siteId, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var sites = await db.HolidayCalendars.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.SiteId, ct);
        for (var i = 0; i < ids.Count; i++)
        {
            var field = AdminFields.Indexed("schedule.calendar_ids", i);
            if (!sites.TryGetValue(ids[i], out var calendarSite))
            {
                throw ApiErrors.Invalid(field, $"holiday calendar {ids[i]} does not exist");
            }

            if (calendarSite != siteId)
            {
                throw ApiErrors.Invalid(field, $"holiday calendar {ids[i]} belongs to another site");
            }
        }
    }

    private async Task EnsureCalendarNameFreeAsync(Guid siteId, string name, Guid? except, CancellationToken ct)
    {
        if (await db.HolidayCalendars.AnyAsync(c => c.SiteId == siteId && c.Name == name && c.Id != except, ct))
        {
            throw ApiErrors.AlreadyExists($"a holiday calendar named \"{name}\" already exists on site {siteId}");
        }
    }
}
