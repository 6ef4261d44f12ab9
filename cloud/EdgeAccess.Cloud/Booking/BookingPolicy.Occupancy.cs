using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Booking;

internal sealed partial class BookingPolicy
{
    // The active bookings of a resource overlapping [{1}, {2}), through the GiST index of the
    // exclusion constraint bookings_no_overlap (0008_booking.sql): same key (resource_id,
    // tstzrange(starts_at, occupied_until, '[)')) and the same predicate, written as literals so the
    // planner can match the partial index. A btree on (resource_id, starts_at) would read every
    // earlier booking of the resource, its whole history, to find the few that reach the window.
    private const string OverlappingSql = """
        FROM bookings
        WHERE resource_id = {0} AND status IN (1, 2, 3)
          AND tstzrange(starts_at, occupied_until, '[)') && tstzrange({1}, {2}, '[)')
        """;

    // Whether [{1}, {2}) is blocked for a booking other than {3}.
    private const string TakenExpression = $$"""EXISTS (SELECT 1 {{OverlappingSql}} AND id <> {3})""";

    private const string TakenSql = $$"""SELECT {{TakenExpression}} AS "Value" """;

    // What a request needs read before the rules are applied, in one round trip: whether the slot
    // is taken (as above), whether the person {5} exists and is active, and the first blackout of
    // the resource overlapping [{1}, {4}).
    private const string RequestSql = $$"""
        SELECT {{TakenExpression}} AS "Taken",
               (SELECT p.active FROM people p WHERE p.id = {5}) AS "PersonActive",
               bo.starts_at AS "BlackoutStart", bo.ends_at AS "BlackoutEnd", bo.reason AS "BlackoutReason"
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (
            SELECT starts_at, ends_at, reason FROM booking_blackouts
            WHERE resource_id = {0} AND starts_at < {4} AND ends_at > {1}
            ORDER BY starts_at LIMIT 1) AS bo ON true
        """;

    private const string OccupiedSql = $$"""SELECT starts_at AS "StartsAt", occupied_until AS "OccupiedUntil" {{OverlappingSql}}""";

    // How far around a taken slot the alternatives are looked for first: nearly always a few hours
    // hold three free slots, so a conflict reads a few bookings, not nine days of them.
    private static readonly TimeSpan[] AlternativeReaches = [TimeSpan.FromHours(6), TimeSpan.FromDays(1.5)];

    /// <summary>True when an active booking other than <paramref name="except"/> blocks <paramref name="span"/>.</summary>
    /// <remarks>
    /// A new booking [start, end) occupies [start, end + buffer): it is blocked exactly when the
    /// exclusion constraint would refuse it (stored ranges are never empty: occupied_until ≥ ends_at &gt; starts_at).
    /// </remarks>
    public Task<bool> IsTakenAsync(ResourceContext context, Span span, Guid? except, CancellationToken ct)
    {
        var occupiedUntil = span.End.AddMinutes(context.Rules.BufferMinutes);
        // Ids are UUIDv7: Guid.Empty names no booking, so it excludes none.
        return db.Database.SqlQueryRaw<bool>(TakenSql, context.Resource.Id, span.Start, occupiedUntil, except ?? Guid.Empty).SingleAsync(ct);
    }

    /// <summary>The resource's free time around <paramref name="window"/>, from its bookings and blackouts.</summary>
    public async Task<FreeTime> FreeTimeAsync(ResourceContext context, Span window, bool honourNotice, CancellationToken ct)
    {
        var resourceId = context.Resource.Id;
        var limits = context.Limits with { HonourNotice = honourNotice };
        var free = new FreeTime(context.Grid, limits, Now);

        // A booking blocks [start − buffer, occupied_until) for new ones: those starting up to one
        // buffer after the window still reach into it.
        var until = window.End.AddMinutes(limits.BufferMinutes);
        var bookings = await db.Database.SqlQueryRaw<Occupied>(OccupiedSql, resourceId, window.Start, until).ToListAsync(ct);
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

    /// <summary>
    /// Up to <paramref name="count"/> free slots of the requested length nearest to it (from two
    /// days before to seven days after), in time order.
    /// </summary>
    /// <remarks>
    /// Searched outward: the free slots of a window reaching r either side of the requested start
    /// are exactly the slots of the whole range that start within r of it (a slot at least the
    /// minimum duration long fits in whatever part of a free interval the window cuts off). So once
    /// such a window holds <paramref name="count"/> slots, none outside it is nearer, and the answer
    /// equals the whole range's, ties included (both list slots in time order). A request shorter
    /// than the minimum duration (an override) is searched over the whole range at once.
    /// </remarks>
    public async Task<List<Span>> AlternativesAsync(ResourceContext context, Span requested, int count, CancellationToken ct)
    {
        var range = new Span(requested.Start.AddDays(-2), requested.End.AddDays(7));
        var minutes = (int)Math.Ceiling(requested.Length.TotalMinutes);
        var reaches = minutes >= context.Rules.MinDurationMinutes ? AlternativeReaches : [];
        foreach (var reach in reaches.Append(TimeSpan.MaxValue))
        {
            var window = reach == TimeSpan.MaxValue ? range : new Span(
                Later(range.Start, requested.Start - reach),
                Earlier(range.End, requested.Start.AddMinutes(minutes) + reach));
            var free = await FreeTimeAsync(context, window, honourNotice: true, ct);
            var slots = free.Slots(window, minutes);
            if (slots.Count >= count || window == range)
            {
                return [.. slots.OrderBy(s => (s.Start - requested.Start).Duration()).Take(count).OrderBy(s => s.Start)];
            }
        }

        return [];

        static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
        static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
    }

    /// <summary>See <see cref="RequestSql"/>.</summary>
    private sealed record RequestRead(bool Taken, bool? PersonActive, DateTimeOffset? BlackoutStart, DateTimeOffset? BlackoutEnd, string? BlackoutReason);

    /// <summary>A stored booking's occupied range.</summary>
    private sealed record Occupied(DateTimeOffset StartsAt, DateTimeOffset OccupiedUntil);
}
