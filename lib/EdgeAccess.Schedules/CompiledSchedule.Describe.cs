using System.Globalization;
using System.Text;
using EdgeAccess.Schedules.Internal;
using NodaTime;

namespace EdgeAccess.Schedules;

/// <content>Human-readable descriptions for "explain access" output.</content>
public sealed partial class CompiledSchedule
{
    /// <summary>
    /// Describes the week in one short line, e.g.
    /// <c>Mon 08:00–18:00, Mon 22:00–06:00(+1), Tue 08:00–18:00; holidays: closed (12 dates); 1 special day</c>.
    /// </summary>
    /// <returns>The description; <c>always (24/7)</c> for an always-open schedule.</returns>
    public string Describe()
    {
        if (IsAlways)
        {
            return "always (24/7)";
        }

        var text = new StringBuilder();
        for (var day = IsoDayOfWeek.Monday; day <= IsoDayOfWeek.Sunday; day++)
        {
            foreach (var range in _weekly[(int)day].Ranges)
            {
                text.Append(text.Length == 0 ? string.Empty : ", ").Append(DayNames.Short(day)).Append(' ').Append(range);
            }
        }

        if (text.Length == 0)
        {
            text.Append("no weekly intervals");
        }

        var holidayCount = Definition.Holidays.Count;
        if (Definition.IgnoresHolidays)
        {
            text.Append("; holidays ignored");
        }
        else if (holidayCount > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; holidays: {Join(_holiday)} ({holidayCount} {(holidayCount == 1 ? "date" : "dates")})");
        }

        var specialCount = _specialDays.Count;
        if (specialCount > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {specialCount} {(specialCount == 1 ? "special day" : "special days")}");
        }

        return text.ToString();
    }

    /// <summary>
    /// Describes the intervals that belong to one date under its own rules, e.g.
    /// <c>Thu 2026-12-24 special day "Christmas Eve": 08:00–12:00</c>,
    /// <c>Fri 2026-12-25 holiday "Christmas Day": closed</c> or <c>Mon 2026-03-30: 08:00–18:00</c>.
    /// </summary>
    /// <param name="date">The local date.</param>
    /// <returns>The description.</returns>
    public string Describe(LocalDate date)
    {
        var iso = date.WithCalendar(CalendarSystem.Iso);
        var rules = IsAlways ? _weekly[(int)iso.DayOfWeek] : RulesFor(iso, out _);
        var name = rules.Kind switch
        {
            ScheduleDayKind.SpecialDay => rules.Name is null ? " special day" : $" special day \"{rules.Name}\"",
            ScheduleDayKind.Holiday => $" holiday \"{_holidays[iso]}\"",
            _ => string.Empty,
        };
        var day = iso.ToString("ddd uuuu-MM-dd", CultureInfo.InvariantCulture);
        return $"{day}{name}: {Join(rules)}";
    }

    private static string Join(CompiledDay rules) =>
        rules.Ranges.Length == 0 ? "closed" : string.Join(", ", rules.Ranges.ToArray());
}
