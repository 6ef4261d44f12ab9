using System.Globalization;
using EdgeAccess.Cloud.Admin.Common;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Import;

/// <summary>Parses CSV cell values; errors are INVALID_ARGUMENT naming the column.</summary>
internal static class ImportValues
{
    // ISO 8601 only: locale formats like 01/02/2025 are ambiguous. No offset = UTC.
    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>true/false, yes/no, 1/0 (any case); empty = null.</summary>
    public static bool? Bool(string value, string column) => value.ToLowerInvariant() switch
    {
        "" => null,
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw ApiErrors.Invalid(column, "must be true or false (or yes/no, 1/0)"),
    };

    /// <summary>An ISO 8601 date or date-time (a date alone is 00:00 UTC); empty = null.</summary>
    public static DateTimeOffset? Time(string value, string column)
    {
        if (value.Length == 0)
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(value, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw ApiErrors.Invalid(column, $"\"{value}\" is not an ISO 8601 date or time (e.g. 2025-09-01 or 2025-09-01T08:00:00Z)");
    }

    /// <summary>
    /// The validity window a row asks for: each column the header has replaces the current bound
    /// (an empty cell = no bound); an absent column keeps it. The end must lie after the start.
    /// </summary>
    public static (DateTimeOffset? From, DateTimeOffset? To) Window(CsvRow row, DateTimeOffset? currentFrom, DateTimeOffset? currentTo)
    {
        var from = row.Has("valid_from") ? Time(row["valid_from"], "valid_from") : currentFrom;
        var to = row.Has("valid_to") ? Time(row["valid_to"], "valid_to") : currentTo;
        return from is not null && to is not null && to <= from
            ? throw ApiErrors.Invalid("valid_to", "must be after valid_from")
            : (from, to);
    }

    /// <summary>active, blocked or lost (any case); empty = null.</summary>
    public static Entities.CardStatus? Status(string value, string column) => value.ToLowerInvariant() switch
    {
        "" => null,
        "active" => Entities.CardStatus.Active,
        "blocked" => Entities.CardStatus.Blocked,
        "lost" => Entities.CardStatus.Lost,
        _ => throw ApiErrors.Invalid(column, "must be active, blocked or lost"),
    };
}
