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

    private async Task CheckPersonAsync(ResourceContext context, Guid personId, DateTimeOffset now, CancellationToken ct)
    {
        var active = await db.People.Where(p => p.Id == personId).Select(p => (bool?)p.Active).SingleOrDefaultAsync(ct)
            ?? throw ApiErrors.Invalid("person_id", $"person {personId} does not exist");
        if (!active)
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

    private async Task CheckLimitsAsync(ResourceContext context, Guid personId, Span span, Guid? except, DateTimeOffset now, CancellationToken ct)
    {
        var rules = context.Rules;
        var resourceId = context.Resource.Id;
        var mine = db.Bookings.Where(b => b.ResourceId == resourceId && b.PersonId == personId && b.Id != except && Active.Contains(b.Status));
        if (rules.MaxActive > 0 && await mine.CountAsync(b => b.EndsAt > now, ct) >= rules.MaxActive)
        {
            throw ApiErrors.FailedPrecondition($"max_active: at most {rules.MaxActive} active bookings per person on \"{context.Resource.Name}\"");
        }

        if (rules.QuotaMinutes > 0)
        {
            var period = QuotaPeriod(context.Grid, rules.QuotaPeriod, span.Start);
            var booked = await mine.Where(b => b.StartsAt >= period.Start && b.StartsAt < period.End)
                .Select(b => new { b.StartsAt, b.EndsAt }).ToListAsync(ct);
            var used = booked.Sum(b => (b.EndsAt - b.StartsAt).TotalMinutes);
            if (used + span.Length.TotalMinutes > rules.QuotaMinutes)
            {
                throw ApiErrors.FailedPrecondition(
                    $"quota: at most {rules.QuotaMinutes} minutes per {rules.QuotaPeriod.ToString().ToLowerInvariant()} on \"{context.Resource.Name}\" ({used:0} already booked)");
            }
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
}
