using System.Globalization;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cli.Commands;

/// <summary>
/// Resources, bookings and free time as text. Booking times are shown in the resource's site zone
/// (the zone its slot grid and its door's edge node go by), e.g. <c>2026-03-30 10:00</c>.
/// </summary>
internal static class BookingText
{
    /// <summary>The zone, or UTC when this machine does not know it (the UTC time is then still right).</summary>
    public static TimeZoneInfo Zone(string timeZone)
    {
        try
        {
            return timeZone.Length == 0 ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>A time as the site's wall clock, to the second when it is not on a whole minute.</summary>
    public static string Local(Timestamp? time, TimeZoneInfo zone)
    {
        if (time is null)
        {
            return "-";
        }

        var local = TimeZoneInfo.ConvertTime(time.ToDateTimeOffset(), zone);
        return local.ToString(local.Second == 0 ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>A window <c>2026-03-30 10:00–11:00</c>: the end's date only when it differs.</summary>
    public static string Window(Timestamp? start, Timestamp? end, TimeZoneInfo zone)
    {
        var from = Local(start, zone);
        var to = Local(end, zone);
        return from.Length > 10 && to.Length > 10 && from[..10] == to[..10] ? $"{from}–{to[11..]}" : $"{from}–{to}";
    }

    /// <summary><c>CONFIRMED</c>, <c>PENDING</c>, ...</summary>
    public static string Status(BookingStatus status) => Text.Name(status);

    /// <summary>Minutes as <c>45 min</c>, <c>2 h</c>, <c>1 h 30 min</c>.</summary>
    public static string Minutes(int minutes) => (minutes / 60, minutes % 60) switch
    {
        (0, var m) => string.Create(CultureInfo.InvariantCulture, $"{m} min"),
        (var h, 0) => string.Create(CultureInfo.InvariantCulture, $"{h} h"),
        var (h, m) => string.Create(CultureInfo.InvariantCulture, $"{h} h {m} min"),
    };

    /// <summary>Seconds as <c>45 s</c>, or in minutes when whole (<c>5 min</c>, <c>1 h</c>).</summary>
    public static string Seconds(int seconds) =>
        seconds > 0 && seconds % 60 == 0 ? Minutes(seconds / 60) : string.Create(CultureInfo.InvariantCulture, $"{seconds} s");

    /// <summary>The rules record as <c>name: value</c> fields.</summary>
    public static IEnumerable<(string, string)> Rules(ResourceRules rules, IReadOnlyDictionary<string, string> groups)
    {
        string Limit(int value, Func<int, string> show) => value == 0 ? "no limit" : show(value);
        yield return ("slot", Minutes(rules.SlotMinutes));
        yield return ("duration", $"{Minutes(rules.MinDurationMinutes)} .. {Minutes(rules.MaxDurationMinutes)}");
        yield return ("notice", $"at least {Minutes(rules.MinNoticeMinutes)}, at most {Limit(rules.MaxNoticeMinutes, Minutes)}");
        yield return ("buffer", Minutes(rules.BufferMinutes));
        yield return ("max active", Limit(rules.MaxActive, v => v.ToString(CultureInfo.InvariantCulture)));
        yield return ("quota", Limit(rules.QuotaMinutes, v => $"{Minutes(v)} per {Text.Name(rules.QuotaPeriod == QuotaPeriod.Unspecified ? QuotaPeriod.Week : rules.QuotaPeriod).ToLowerInvariant()}"));
        yield return ("who may book", rules.AllowedGroupIds.Count == 0 ? "everyone" : string.Join(", ", rules.AllowedGroupIds.Select(g => groups.GetValueOrDefault(g, g))));
        yield return ("approval", rules.ApprovalRequired ? "required" : "not required");
        yield return ("cancel until", rules.CancelCutoffMinutes == 0 ? "the start" : $"{Minutes(rules.CancelCutoffMinutes)} before the start");
        yield return ("door access", $"{Minutes(rules.EarlyEntryMinutes)} before the start to {Minutes(rules.GraceMinutes)} after the end");
        yield return ("check-in window", $"± {Minutes(rules.CheckInWindowMinutes)}{(rules.NoShowRelease ? ", released when nobody checks in" : "")}");
    }
}
