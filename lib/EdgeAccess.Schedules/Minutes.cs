using System.Globalization;

namespace EdgeAccess.Schedules;

/// <summary>
/// Constants and formatting for minute-of-day values, the unit every schedule interval uses.
/// </summary>
public static class Minutes
{
    /// <summary>Minutes in a wall-clock day; as an end minute it means 24:00.</summary>
    public const int PerDay = 1440;

    /// <summary>
    /// Formats a minute of the day as <c>HH:mm</c> (invariant culture); <see cref="PerDay"/> becomes
    /// <c>24:00</c>.
    /// </summary>
    /// <param name="minute">A minute in [0, 1440].</param>
    /// <returns>The wall-clock time, e.g. <c>08:30</c>.</returns>
    public static string Format(int minute) =>
        string.Create(CultureInfo.InvariantCulture, $"{minute / 60:D2}:{minute % 60:D2}");

    /// <summary>
    /// Formats an interval as <c>HH:mm–HH:mm</c>, adding <c>(+1)</c> when it runs over midnight
    /// (<paramref name="endMinute"/> &lt;= <paramref name="startMinute"/>).
    /// </summary>
    /// <param name="startMinute">Inclusive start minute.</param>
    /// <param name="endMinute">Exclusive end minute, on the next day when not after the start.</param>
    /// <returns>For example <c>08:00–18:00</c> or <c>22:00–06:00(+1)</c>.</returns>
    public static string FormatInterval(int startMinute, int endMinute) =>
        endMinute <= startMinute
            ? $"{Format(startMinute)}–{Format(endMinute)}(+1)"
            : $"{Format(startMinute)}–{Format(endMinute)}";

    /// <summary>Whether <paramref name="minute"/> is a valid start minute, in [0, 1440).</summary>
    /// <param name="minute">The value to check.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidStart(int minute) => minute is >= 0 and < PerDay;

    /// <summary>Whether <paramref name="minute"/> is a valid end minute, in (0, 1440].</summary>
    /// <param name="minute">The value to check.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidEnd(int minute) => minute is > 0 and <= PerDay;
}
