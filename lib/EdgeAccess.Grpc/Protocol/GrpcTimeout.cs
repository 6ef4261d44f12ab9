using System.Globalization;

namespace EdgeAccess.Grpc.Protocol;

/// <summary>
/// The <c>grpc-timeout</c> header: TimeoutValue (at most 8 ASCII digits) followed by a unit,
/// H hours, M minutes, S seconds, m milliseconds, u microseconds, n nanoseconds (PROTOCOL-HTTP2).
/// </summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>Parses a header value; false for anything the specification does not allow.</summary>
    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (string.IsNullOrEmpty(value) || value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        var digits = value.AsSpan(0, value.Length - 1);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var amount = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        long ticks;
        switch (value[^1])
        {
            case 'H': ticks = amount * TimeSpan.TicksPerHour; break;
            case 'M': ticks = amount * TimeSpan.TicksPerMinute; break;
            case 'S': ticks = amount * TimeSpan.TicksPerSecond; break;
            case 'm': ticks = amount * TimeSpan.TicksPerMillisecond; break;
            case 'u': ticks = amount * (TimeSpan.TicksPerMillisecond / 1000); break;
            case 'n': ticks = amount / 100; break;
            default: return false;
        }

        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>
    /// Formats a timeout with the finest unit whose value fits in 8 digits, rounding up so a
    /// deadline is never sent shorter than it is.
    /// </summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        var ticks = timeout.Ticks;
        if (ticks <= MaxValue / 100)
        {
            return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        }

        (long PerUnit, char Unit)[] units =
        [
            (TimeSpan.TicksPerMillisecond / 1000, 'u'),
            (TimeSpan.TicksPerMillisecond, 'm'),
            (TimeSpan.TicksPerSecond, 'S'),
            (TimeSpan.TicksPerMinute, 'M'),
            (TimeSpan.TicksPerHour, 'H'),
        ];
        foreach (var (perUnit, unit) in units)
        {
            // Rounded up without overflow, even for TimeSpan.MaxValue.
            var amount = (ticks / perUnit) + (ticks % perUnit == 0 ? 0 : 1);
            if (amount <= MaxValue)
            {
                return amount.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }
}
