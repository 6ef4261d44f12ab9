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
    private static readonly Stored.BookingStatus[] Active = [Stored.BookingStatus.Pending, Stored.BookingStatus.Confirmed, Stored.BookingStatus.CheckedIn];

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Loads a resource, its rules and its site's zone; NOT_FOUND when it does not exist.</summary>
    public async Task<ResourceContext> LoadAsync(Guid resourceId, CancellationToken ct)
    {
        var resource = await db.BookingResources.AsNoTracking().Include(r => r.Doors).SingleOrDefaultAsync(r => r.Id == resourceId, ct)
            ?? throw ApiErrors.NotFound("resource", resourceId);
        var rules = await db.BookingRules.AsNoTracking().Include(r => r.Groups).SingleAsync(r => r.ResourceId == resourceId, ct);
        var zone = await db.Sites.Where(s => s.Id == resource.SiteId).Select(s => s.TimeZone).SingleAsync(ct);
        return new ResourceContext(resource, rules, SlotGrid.For(zone, rules.SlotMinutes));
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

        var resourceId = context.Resource.Id;
        var blackout = await db.BookingBlackouts.AsNoTracking()
            .Where(b => b.ResourceId == resourceId && b.StartsAt < span.End && b.EndsAt > span.Start)
            .OrderBy(b => b.StartsAt).FirstOrDefaultAsync(ct);
        if (blackout is not null)
        {
            throw ApiErrors.FailedPrecondition(
                $"blackout: \"{name}\" is unavailable {context.Grid.Show(blackout.StartsAt)}–{context.Grid.Show(blackout.EndsAt)}{(blackout.Reason.Length > 0 ? " (" + blackout.Reason + ")" : "")}");
        }

        await CheckPersonAsync(context, personId, now, ct);
        await CheckLimitsAsync(context, personId, span, except, now, ct);
    }

    /// <summary>Serializes the counted rules per resource and person until the transaction ends.</summary>
    public Task LockAsync(Guid resourceId, Guid personId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"booking:" + resourceId + ":" + personId}, 0))", ct);

    /// <summary>True when an active booking other than <paramref name="except"/> blocks <paramref name="span"/>.</summary>
    public Task<bool> IsTakenAsync(ResourceContext context, Span span, Guid? except, CancellationToken ct)
    {
        var resourceId = context.Resource.Id;
        var occupiedUntil = span.End.AddMinutes(context.Rules.BufferMinutes);
        return db.Bookings.AnyAsync(
            b => b.ResourceId == resourceId && b.Id != except && Active.Contains(b.Status) && b.StartsAt < occupiedUntil && b.OccupiedUntil > span.Start, ct);
    }

    /// <summary>The resource's free time around <paramref name="window"/>, from its bookings and blackouts.</summary>
    public async Task<FreeTime> FreeTimeAsync(ResourceContext context, Span window, bool honourNotice, CancellationToken ct)
    {
        var resourceId = context.Resource.Id;
        var limits = context.Limits with { HonourNotice = honourNotice };
        var free = new FreeTime(context.Grid, limits, Now);
        var until = window.End.AddMinutes(limits.BufferMinutes);
        var bookings = await db.Bookings.AsNoTracking()
            .Where(b => b.ResourceId == resourceId && Active.Contains(b.Status) && b.StartsAt < until && b.OccupiedUntil > window.Start)
            .Select(b => new { b.StartsAt, b.OccupiedUntil }).ToListAsync(ct);
        foreach (var b in bookings)
        {
            free.AddBooking(b.StartsAt, b.OccupiedUntil);
        }

        var blackouts = await db.BookingBlackouts.AsNoTracking()
            .Where(b => b.ResourceId == resourceId && b.StartsAt < window.End && b.EndsAt > window.Start)
            .Select(b => new { b.StartsAt, b.EndsAt }).ToListAsync(ct);
        foreach (var b in blackouts)
        {
            free.AddBlackout(b.StartsAt, b.EndsAt);
        }

        return free;
    }

    /// <summary>Up to <paramref name="count"/> free slots of the requested length nearest to it, in time order.</summary>
    public async Task<List<Span>> AlternativesAsync(ResourceContext context, Span requested, int count, CancellationToken ct)
    {
        var window = new Span(requested.Start.AddDays(-2), requested.End.AddDays(7));
        var free = await FreeTimeAsync(context, window, honourNotice: true, ct);
        var minutes = (int)Math.Ceiling(requested.Length.TotalMinutes);
        return [.. free.Slots(window, minutes)
            .OrderBy(s => (s.Start - requested.Start).Duration())
            .Take(count)
            .OrderBy(s => s.Start)];
    }
}
