using EdgeAccess.Cloud.Admin.Common;
using NodaTime;

namespace EdgeAccess.Cloud.Booking;

/// <summary>
/// Expands a recurring request into its occurrences: the first booking's local wall-clock start
/// and end repeated every n days or weeks in the site's zone (so 10:00–12:00 stays 10:00–12:00
/// across a DST change), until a count or a last start date.
/// </summary>
internal static class Recurrence
{
    /// <summary>The most occurrences one series may have.</summary>
    public const int MaxOccurrences = 366;

    public static List<Span> Expand(SlotGrid grid, Span first, Protos.V1.Recurrence? recurrence)
    {
        var rule = recurrence ?? throw ApiErrors.Invalid("recurrence", "is required");
        var stepDays = rule.Frequency switch
        {
            Protos.V1.Frequency.Daily => 1,
            Protos.V1.Frequency.Weekly => 7,
            _ => throw ApiErrors.Invalid("recurrence.frequency", "must be FREQUENCY_DAILY or FREQUENCY_WEEKLY"),
        };
        if (rule.Interval is < 0 or > 52)
        {
            throw ApiErrors.Invalid("recurrence.interval", "must be between 0 and 52");
        }

        if (rule.Count is < 0 or > MaxOccurrences)
        {
            throw ApiErrors.Invalid("recurrence.count", $"must be between 0 and {MaxOccurrences}");
        }

        var until = Validate.Time(rule.Until, "recurrence.until");
        if ((rule.Count == 0) == (until is null))
        {
            throw ApiErrors.Invalid("recurrence.count", "set exactly one of recurrence.count and recurrence.until");
        }

        if (until is { } last && last < first.Start)
        {
            throw ApiErrors.Invalid("recurrence.until", "must not be before first.start_time");
        }

        var start = grid.Local(first.Start);
        var length = Period.Between(start, grid.Local(first.End));
        var step = stepDays * Math.Max(1, rule.Interval);
        var spans = new List<Span>();
        for (var i = 0; rule.Count == 0 || i < rule.Count; i++)
        {
            var localStart = start.PlusDays(i * step);
            var span = new Span(grid.ToInstant(localStart), grid.ToInstant(localStart + length));
            if (until is { } end && span.Start > end)
            {
                break;
            }

            if (spans.Count == MaxOccurrences)
            {
                throw ApiErrors.Invalid("recurrence.until", $"the series would have more than {MaxOccurrences} occurrences");
            }

            spans.Add(span);
        }

        return spans;
    }
}
