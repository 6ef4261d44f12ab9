using System.Globalization;

namespace EdgeAccess.Cli.Internal;

/// <summary>A duration as typed on the command line: <c>90s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, or <c>hh:mm:ss</c>.</summary>
internal static class DurationArgument
{
    public static TimeSpan Parse(string option, string text)
    {
        text = text.Trim();
        TimeSpan? value = text.Length < 2 ? null : text[^1] switch
        {
            's' or 'S' => Number(text[..^1], TimeSpan.FromSeconds),
            'm' or 'M' => Number(text[..^1], TimeSpan.FromMinutes),
            'h' or 'H' => Number(text[..^1], TimeSpan.FromHours),
            'd' or 'D' => Number(text[..^1], TimeSpan.FromDays),
            _ => TimeSpan.TryParseExact(text, ["hh\\:mm\\:ss", "d\\.hh\\:mm\\:ss"], CultureInfo.InvariantCulture, out var span) ? span : null,
        };
        return value is { } positive && positive > TimeSpan.Zero
            ? positive
            : throw CliException.Usage($"{option} \"{text}\" is not a positive duration, e.g. 90s, 10m, 2h, 1d or 00:10:00");
    }

    private static TimeSpan? Number(string digits, Func<double, TimeSpan> unit) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? unit(n) : null;
}
