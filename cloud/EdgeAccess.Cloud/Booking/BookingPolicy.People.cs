using EdgeAccess.Cloud.Admin.Common;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Booking;

internal sealed partial class BookingPolicy
{
    // A person's groups now, reached like rights are: current memberships of active groups, and
    // every active ancestor through the nesting (an inactive group passes nothing on).
    private const string MemberOfAnySql = """
        WITH RECURSIVE reach(id) AS (
            SELECT g.id FROM memberships m JOIN groups g ON g.id = m.group_id
            WHERE m.person_id = {0} AND g.active
              AND (m.valid_from IS NULL OR m.valid_from <= {1}) AND (m.valid_to IS NULL OR m.valid_to > {1})
            UNION
            SELECT g.id FROM reach r JOIN group_nestings n ON n.child_id = r.id JOIN groups g ON g.id = n.parent_id AND g.active)
        SELECT EXISTS (SELECT 1 FROM reach WHERE id = ANY({2})) AS "Value"
        """;

    /// <summary>The person exists and is active (<paramref name="active"/> as read: null when there is no such person) and may book.</summary>
    private async Task CheckPersonAsync(ResourceContext context, Guid personId, bool? active, DateTimeOffset now, CancellationToken ct)
    {
        if (active is null)
        {
            throw ApiErrors.Invalid("person_id", $"person {personId} does not exist");
        }

        if (active == false)
        {
            throw ApiErrors.FailedPrecondition($"person {personId} is not active");
        }

        var groups = context.Rules.Groups.Select(g => g.GroupId).ToArray();
        if (groups.Length == 0)
        {
            return;
        }

        var member = await db.Database.SqlQueryRaw<bool>(MemberOfAnySql, personId, now, groups).SingleAsync(ct);
        if (!member)
        {
            throw ApiErrors.FailedPrecondition($"allowed_groups: only members of the resource's allowed groups may book \"{context.Resource.Name}\"");
        }
    }

    // One person's active bookings of one resource (0012_booking_indexes.sql indexes exactly
    // these), in one read: how many end after now (max active) and how many minutes start in the
    // quota period. Both sets end after the lower bound {4} = min(now, period start), which keeps
    // the index scan to the person's current and future bookings there.
    private const string UsageSql = """
        SELECT count(*) FILTER (WHERE ends_at > {3}) AS "Active",
               COALESCE(sum(EXTRACT(EPOCH FROM ends_at - starts_at)) FILTER (WHERE starts_at >= {5} AND starts_at < {6}), 0)::float8 / 60 AS "Minutes"
        FROM bookings
        WHERE person_id = {0} AND resource_id = {1} AND status IN (1, 2, 3) AND id <> {2} AND ends_at > {4}
        """;

    /// <summary>
    /// Max active and quota (the counted rules). Call after <see cref="LockAsync"/>, in the write's
    /// transaction, so two requests of one person cannot both pass the counts.
    /// </summary>
    public async Task CheckLimitsAsync(ResourceContext context, Guid personId, Span span, Guid? except, DateTimeOffset now, CancellationToken ct)
    {
        var rules = context.Rules;
        if (rules.MaxActive <= 0 && rules.QuotaMinutes <= 0)
        {
            return;
        }

        // Without a quota the period is empty (and bounds nothing).
        var period = rules.QuotaMinutes > 0 ? QuotaPeriod(context.Grid, rules.QuotaPeriod, span.Start) : new Span(now, now);
        var lower = period.Start < now ? period.Start : now;

        // Ids are UUIDv7: Guid.Empty names no booking, so it excludes none.
        var usage = await db.Database.SqlQueryRaw<Usage>(UsageSql, personId, context.Resource.Id, except ?? Guid.Empty, now, lower, period.Start, period.End)
            .SingleAsync(ct);
        if (rules.MaxActive > 0 && usage.Active >= rules.MaxActive)
        {
            throw ApiErrors.FailedPrecondition($"max_active: at most {rules.MaxActive} active bookings per person on \"{context.Resource.Name}\"");
        }

        if (rules.QuotaMinutes > 0 && usage.Minutes + span.Length.TotalMinutes > rules.QuotaMinutes)
        {
            throw ApiErrors.FailedPrecondition(
                $"quota: at most {rules.QuotaMinutes} minutes per {rules.QuotaPeriod.ToString().ToLowerInvariant()} on \"{context.Resource.Name}\" ({usage.Minutes:0} already booked)");
        }
    }

    /// <summary>The local day, ISO week (from Monday) or month containing <paramref name="start"/>.</summary>
    internal static Span QuotaPeriod(SlotGrid grid, Stored.BookingQuotaPeriod period, DateTimeOffset start)
    {
        var date = grid.DateOf(start);
        var (first, next) = period switch
        {
            Stored.BookingQuotaPeriod.Day => (date, date.PlusDays(1)),
            Stored.BookingQuotaPeriod.Month => (new LocalDate(date.Year, date.Month, 1), new LocalDate(date.Year, date.Month, 1).PlusMonths(1)),
            _ => (date.PlusDays(-((int)date.DayOfWeek - 1)), date.PlusDays(7 - ((int)date.DayOfWeek - 1))),
        };
        return new Span(grid.StartOfDay(first), grid.StartOfDay(next));
    }

    /// <summary>What a person holds of a resource: bookings still running or ahead, minutes in the quota period.</summary>
    private sealed record Usage(long Active, double Minutes);
}
