using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cli.Internal;

/// <summary>
/// The <c>--at</c> option: ISO 8601. With an offset or <c>Z</c> it is that instant; without one it
/// is a wall-clock time at the door, in its site's time zone (as the door's edge node sees it).
/// </summary>
internal static class TimeArgument
{
    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd",
    ];

    private static readonly string[] AbsoluteFormats = LocalFormats.Where(f => f.Contains('H', StringComparison.Ordinal)).Select(f => f + "K").ToArray();

    /// <summary>Null when <paramref name="text"/> is null (the hub then uses its own "now").</summary>
    public static Timestamp? Parse(string? text, string timeZone, string option = "--at")
    {
        if (text is null)
        {
            return null;
        }

        text = text.Trim();
        if (DateTimeOffset.TryParseExact(text, AbsoluteFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var absolute) && HasOffset(text))
        {
            return Timestamp.FromDateTimeOffset(absolute);
        }

        if (!DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            throw CliException.Usage($"{option} \"{text}\" is not ISO 8601, e.g. 2026-03-30T10:00 (the door's local time) or 2026-03-30T08:00:00Z");
        }

        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw CliException.Usage($"{option} has no offset and this machine does not know the site's time zone {timeZone}: add an offset, e.g. {text}Z");
        }

        if (zone.IsInvalidTime(local))
        {
            throw CliException.Usage($"{option} {text} does not exist in {timeZone} (the clocks skip it); add an offset");
        }

        // An ambiguous time (the hour the clocks repeat) is taken as standard time.
        return Timestamp.FromDateTime(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone));
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
}
