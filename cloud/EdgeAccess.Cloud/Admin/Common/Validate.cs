using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Admin.Common;

/// <summary>Request field checks that answer INVALID_ARGUMENT naming the field.</summary>
public static class Validate
{
    /// <summary>Parses a required UUID field.</summary>
    public static Guid Id(string value, string field) =>
        string.IsNullOrEmpty(value) ? throw ApiErrors.Invalid(field, "is required")
        : Guid.TryParse(value, out var id) ? id
        : throw ApiErrors.Invalid(field, "must be a UUID");

    /// <summary>Parses an optional UUID field (empty = absent).</summary>
    public static Guid? OptionalId(string value, string field) => string.IsNullOrEmpty(value) ? null : Id(value, field);

    /// <summary>A required, trimmed text of at most <paramref name="maxLength"/> characters without control characters.</summary>
    public static string Text(string value, string field, int maxLength = 200)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw ApiErrors.Invalid(field, "is required");
        }

        return OptionalText(trimmed, field, maxLength)!;
    }

    /// <summary>An optional text (empty = null) with the same rules as <see cref="Text"/>.</summary>
    public static string? OptionalText(string? value, string field, int maxLength = 200)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return null;
        }

        if (trimmed.Length > maxLength)
        {
            throw ApiErrors.Invalid(field, $"must be at most {maxLength} characters");
        }

        if (trimmed.Any(char.IsControl))
        {
            throw ApiErrors.Invalid(field, "must not contain control characters");
        }

        return trimmed;
    }

    /// <summary>An optional timestamp (unset = null) as UTC.</summary>
    public static DateTimeOffset? Time(Timestamp? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        // Timestamp's documented range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
        if (value.Seconds < -62_135_596_800 || value.Seconds > 253_402_300_799 || value.Nanos is < 0 or > 999_999_999)
        {
            throw ApiErrors.Invalid(field, "is not a valid timestamp");
        }

        return value.ToDateTimeOffset();
    }

    /// <summary>A validity window whose end, when both are set, lies after its start.</summary>
    public static (DateTimeOffset? From, DateTimeOffset? To) Window(Timestamp? from, Timestamp? to, string fromField, string toField)
    {
        var start = Time(from, fromField);
        var end = Time(to, toField);
        if (start is not null && end is not null && end <= start)
        {
            throw ApiErrors.Invalid(toField, "must be after " + fromField);
        }

        return (start, end);
    }

    /// <summary>Parses the etag of an update (the entity version as decimal text); empty = no check.</summary>
    public static long? Etag(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return long.TryParse(value.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw ApiErrors.Invalid(field, "is not an etag this hub issued");
    }

    /// <summary>Formats an entity version as its etag.</summary>
    public static string ToEtag(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Converts an optional UTC time to a timestamp (null when absent).</summary>
    public static Timestamp? ToTimestamp(DateTimeOffset? value) => value is { } v ? Timestamp.FromDateTimeOffset(v) : null;
}
