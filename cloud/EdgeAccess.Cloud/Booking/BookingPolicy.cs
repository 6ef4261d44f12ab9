using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Booking;

/// <summary>A resource with its rules and its site's slot grid, as one booking decision needs them.</summary>
internal sealed record ResourceContext(Stored.BookingResource Resource, Stored.BookingRules Rules, SlotGrid Grid)
{
    public BookingLimits Limits => BookingLimits.From(Rules);
}

/// <summary>
/// The booking rules of a resource applied to one request. The request's shape (grid, duration)
/// is INVALID_ARGUMENT naming the field; a rule the request breaks (notice, blackout, who may book,
/// max active, quota) is FAILED_PRECONDITION naming the rule. Overlaps are the database's job.
/// </summary>
internal sealed partial class BookingPolicy(HubDbContext db, TimeProvider time)
{
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Loads a resource, its rules and its site's zone; NOT_FOUND when it does not exist.</summary>
    public async Task<ResourceContext> LoadAsync(Guid resourceId, CancellationToken ct)
    {
        // One round trip: the resource with its doors, its rules (created with it, deleted with it)
        // with their groups, and its site's zone. No-tracking results are not fixed up, so the
        // collections are attached by hand.
        var found = await (
            from r in db.BookingResources.AsNoTracking()
            join rules in db.BookingRules.AsNoTracking() on r.Id equals rules.ResourceId
            join site in db.Sites on r.SiteId equals site.Id
            where r.Id == resourceId
            select new { Resource = r, Doors = r.Doors.ToList(), Rules = rules, Groups = rules.Groups.ToList(), site.TimeZone })
            .SingleOrDefaultAsync(ct) ?? throw ApiErrors.NotFound("resource", resourceId);
        found.Resource.Doors = found.Doors;
        found.Rules.Groups = found.Groups;
        return new ResourceContext(found.Resource, found.Rules, SlotGrid.For(found.TimeZone, found.Rules.SlotMinutes));
    }

    /// <summary>Grid and duration (INVALID_ARGUMENT); skipped under a rules override.</summary>
    public static void CheckShape(ResourceContext context, Span span, string startField, string endField, bool rulesOverride)
    {
        if (!context.Resource.Active)
        {
            throw ApiErrors.FailedPrecondition($"resource \"{context.Resource.Name}\" is not active");
        }

        if (rulesOverride)
        {
            return;
        }

        var rules = context.Rules;
        if (!context.Grid.IsAligned(span.Start))
        {
            throw ApiErrors.Invalid(startField, $"must lie on the {rules.SlotMinutes}-minute grid of the site's local time ({context.Grid.Zone.Id})");
        }

        if (!context.Grid.IsAligned(span.End))
        {
            throw ApiErrors.Invalid(endField, $"must lie on the {rules.SlotMinutes}-minute grid of the site's local time ({context.Grid.Zone.Id})");
        }

        var minutes = span.Length.TotalMinutes;
        if (minutes < rules.MinDurationMinutes || minutes > rules.MaxDurationMinutes)
        {
            throw ApiErrors.Invalid(endField, $"the booking must last between {rules.MinDurationMinutes} and {rules.MaxDurationMinutes} minutes (asked: {minutes:0})");
        }
    }

    /// <summary>
    /// Notice, blackouts, who may book, max active and quota. Call inside the write's transaction
    /// after <see cref="LockAsync"/>, so two requests of one person cannot both pass the counts.
    /// </summary>
    public async Task CheckRulesAsync(ResourceContext context, Guid personId, Span span, Guid? except, CancellationToken ct)
    {
        await CheckRequestAsync(context, personId, span, except, ct);
        await CheckLimitsAsync(context, personId, span, except, Now, ct);
    }

    /// <summary>
    /// The rules that count nothing: notice, blackouts, who may book. They need no lock, so a
    /// create checks them before taking it; the counted ones follow under the lock
    /// (<see cref="CheckLimitsAsync"/>). Returns whether an active booking other than
    /// <paramref name="except"/> blocks the span now, read in the same round trip: a create that
    /// passes every rule answers that conflict at once instead of running into the exclusion constraint.
    /// </summary>
    public async Task<bool> CheckRequestAsync(ResourceContext context, Guid personId, Span span, Guid? except, CancellationToken ct)
    {
        var rules = context.Rules;
        var now = Now;
        var name = context.Resource.Name;
        if (span.Start < now.AddMinutes(rules.MinNoticeMinutes))
        {
            throw ApiErrors.FailedPrecondition(rules.MinNoticeMinutes == 0
                ? "min_notice: the booking cannot start in the past"
                : $"min_notice: \"{name}\" must be booked at least {rules.MinNoticeMinutes} minutes ahead");
        }

        if (rules.MaxNoticeMinutes > 0 && span.Start > now.AddMinutes(rules.MaxNoticeMinutes))
        {
            throw ApiErrors.FailedPrecondition($"max_notice: \"{name}\" can be booked at most {rules.MaxNoticeMinutes} minutes ahead");
        }

        // Ids are UUIDv7: Guid.Empty names no booking, so it excludes none.
        var read = await db.Database.SqlQueryRaw<RequestRead>(RequestSql,
            context.Resource.Id, span.Start, span.End.AddMinutes(rules.BufferMinutes), except ?? Guid.Empty, span.End, personId).SingleAsync(ct);
        if (read is { BlackoutStart: { } from, BlackoutEnd: { } to })
        {
            var reason = read.BlackoutReason is { Length: > 0 } text ? " (" + text + ")" : "";
            throw ApiErrors.FailedPrecondition($"blackout: \"{name}\" is unavailable {context.Grid.Show(from)}–{context.Grid.Show(to)}{reason}");
        }

        await CheckPersonAsync(context, personId, read.PersonActive, now, ct);
        return read.Taken;
    }

    /// <summary>Serializes the counted rules per resource and person until the transaction ends.</summary>
    public Task LockAsync(Guid resourceId, Guid personId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"booking:" + resourceId + ":" + personId}, 0))", ct);
}
