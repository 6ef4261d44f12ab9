using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cli.Internal;

/// <summary>How values look in the plain text output.</summary>
internal static class Text
{
    /// <summary>A C# enum member name as the proto spells it: <c>OutsideSchedule</c> → <c>OUTSIDE_SCHEDULE</c>.</summary>
    public static string UpperSnake(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            var boundary = i > 0 && char.IsUpper(c) &&
                (char.IsLower(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1])));
            if (boundary)
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>An enum value without its proto prefix, e.g. <c>BLOCKED</c>, <c>ADMIN</c>.</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, System.Enum => UpperSnake(value.ToString());

    /// <summary>A time in UTC, to the second; <c>-</c> when unset.</summary>
    public static string Time(Timestamp? time) =>
        time is null ? "-" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>yes</c> or <c>no</c>.</summary>
    public static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>The value, or <c>-</c> when empty.</summary>
    public static string OrDash(string? value) => string.IsNullOrEmpty(value) ? "-" : value;

    /// <summary>A card as the hub lets us show it: its last digits only.</summary>
    public static string Card(string lastDigits) => "****" + lastDigits;

    /// <summary>A minute of the day as <c>HH:mm</c> (1440 is <c>24:00</c>).</summary>
    public static string Minute(int minute) =>
        string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");

    /// <summary>A validity window, e.g. <c>always</c>, <c>from … until …</c>.</summary>
    public static string Window(Timestamp? from, Timestamp? to) => (from, to) switch
    {
        (null, null) => "always",
        (not null, null) => $"from {Time(from)}",
        (null, not null) => $"until {Time(to)}",
        _ => $"{Time(from)} .. {Time(to)}",
    };
}
