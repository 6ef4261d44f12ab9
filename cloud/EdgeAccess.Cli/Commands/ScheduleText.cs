using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary>A schedule in one line: <c>Mon-Fri 07:00-19:00</c>.</summary>
internal static class ScheduleText
{
    private static readonly string[] Days = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    /// <summary>The weekly intervals, days with the same hours grouped into ranges.</summary>
    public static string Weekly(IEnumerable<WeeklyInterval> weekly)
    {
        var groups = weekly
            .GroupBy(w => (w.StartMinute, w.EndMinute))
            .Select(g => $"{DayRanges(g.Select(w => w.Day))} {Text.Minute(g.Key.StartMinute)}-{Text.Minute(g.Key.EndMinute)}")
            .ToList();
        return groups.Count == 0 ? "never" : string.Join("; ", groups);
    }

    /// <summary>How holidays affect the schedule.</summary>
    public static string Holidays(Schedule schedule) => schedule switch
    {
        { IgnoresHolidays: true } => "ignored",
        { CalendarIds.Count: 0 } => "-",
        { HolidayIntervals.Count: 0 } => "closed",
        _ => "own hours",
    };

    private static string DayRanges(IEnumerable<int> days)
    {
        var sorted = days.Where(d => d is >= 1 and <= 7).Distinct().Order().ToList();
        var ranges = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            ranges.Add(j - i >= 2 ? $"{Days[sorted[i]]}-{Days[sorted[j]]}" : string.Join(",", sorted.GetRange(i, j - i + 1).Select(d => Days[d])));
            i = j + 1;
        }

        return string.Join(",", ranges);
    }
}
