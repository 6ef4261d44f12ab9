using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Schedules;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RightRecord = EdgeAccess.Protos.V1.RightRecord;

namespace EdgeAccess.Cloud.Tests.Rights;

public sealed partial class ExplainTests
{
    /// <summary>The stored effective rights with compiled schedules: the oracle.</summary>
    private async Task<StoredRights> StoredRightsAsync()
    {
        await using var db = _services.NewContext();
        var rights = (await db.EffectiveRights.AsNoTracking().ToListAsync().WithTimeout())
            .ToDictionary(r => (Card: r.CardId, Door: r.DoorId), r => RightRecord.Parser.ParseFrom(r.Terms));
        var zones = await db.Sites.AsNoTracking().ToDictionaryAsync(s => s.Id, s => DateTimeZoneProviders.Tzdb[s.TimeZone]).WithTimeout();
        var calendars = await db.HolidayCalendars.AsNoTracking().Include(c => c.Holidays).ToListAsync().WithTimeout();
        var schedules = await db.Schedules.AsNoTracking().Include(s => s.Calendars).ToListAsync().WithTimeout();
        var compiled = schedules.ToDictionary(s => s.Id.ToString(), s => CompiledSchedule.Compile(ScheduleJson.ToDefinition(
            s, ScheduleJson.Holidays(calendars.Where(c => s.Calendars.Any(l => l.CalendarId == c.Id))))));
        return new StoredRights(rights, zones, compiled);
    }

    private sealed record StoredRights(Dictionary<(Guid Card, Guid Door), RightRecord> Rights, Dictionary<Guid, DateTimeZone> Zones, Dictionary<string, CompiledSchedule> Schedules)
    {
        /// <summary>A stored term is valid at <paramref name="at"/> and its schedule admits it in the door's site time.</summary>
        public bool Admits(Guid card, Door door, Instant at) =>
            Rights.TryGetValue((card, door.Id), out var record) && record.Terms.Any(t =>
                (t.ValidFrom is null || Instant.FromDateTimeOffset(t.ValidFrom.ToDateTimeOffset()) <= at)
                && (t.ValidTo is null || at < Instant.FromDateTimeOffset(t.ValidTo.ToDateTimeOffset()))
                && Schedules[t.ScheduleId].Evaluate(at, Zones[door.SiteId]).Allowed);
    }
}
