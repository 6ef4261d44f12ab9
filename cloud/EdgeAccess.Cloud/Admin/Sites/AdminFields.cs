using System.Globalization;
using EdgeAccess.Cloud.Admin.Common;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Admin.Sites;

/// <summary>Field helpers the site, schedule and grant admin services share (beyond <see cref="Validate"/>).</summary>
internal static class AdminFields
{
    /// <summary>Parses a list of ids, naming a bad or repeated one by its index (<c>scheme.door_ids[2]</c>).</summary>
    public static List<Guid> ReadIds(IReadOnlyList<string> values, string field, int max)
    {
        AtMost(values.Count, max, field);
        var ids = new List<Guid>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var id = Validate.Id(values[i], Indexed(field, i));
            if (ids.Contains(id))
            {
                throw ApiErrors.Invalid(Indexed(field, i), $"{id} is listed twice");
            }

            ids.Add(id);
        }

        return ids;
    }

    /// <summary>Refuses a repeated field with more than <paramref name="max"/> entries.</summary>
    public static void AtMost(int count, int max, string field)
    {
        if (count > max)
        {
            throw ApiErrors.Invalid(field, string.Create(CultureInfo.InvariantCulture, $"at most {max} entries"));
        }
    }

    /// <summary>The path of a repeated field's entry, e.g. <c>schedule.calendar_ids[1]</c>.</summary>
    public static string Indexed(string field, int index) => string.Create(CultureInfo.InvariantCulture, $"{field}[{index}]");

    /// <summary>The escape character of <see cref="ContainsPattern"/> (give it to ILIKE explicitly).</summary>
    public const string LikeEscape = @"\";

    /// <summary>An ILIKE pattern matching names that contain <paramref name="text"/> literally.</summary>
    public static string ContainsPattern(string text) =>
        "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";

    /// <summary>
    /// A timestamp at PostgreSQL's resolution: <c>timestamptz</c> keeps microseconds, so an answer
    /// built from memory must drop the 100 ns digit to match what a later read returns.
    /// </summary>
    public static Timestamp ToTimestamp(DateTimeOffset value) => Timestamp.FromDateTimeOffset(Truncate(value));

    /// <summary><see cref="ToTimestamp(DateTimeOffset)"/> for an optional value (null stays unset).</summary>
    public static Timestamp? ToTimestamp(DateTimeOffset? value) => value is { } v ? ToTimestamp(v) : null;

    /// <summary>
    /// <see cref="Validate.Window"/> at PostgreSQL's resolution: the window is checked as it will be
    /// stored (whole microseconds), so a window that truncation would empty is refused here, naming
    /// the field, rather than by the database's check constraint.
    /// </summary>
    public static (DateTimeOffset? From, DateTimeOffset? To) Window(Timestamp? from, Timestamp? to, string fromField, string toField) =>
        Validate.Window(Microseconds(from), Microseconds(to), fromField, toField);

    /// <summary>Drops what PostgreSQL would not store (below a microsecond).</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) => value.AddTicks(-(value.Ticks % 10));

    private static Timestamp? Microseconds(Timestamp? value) =>
        value is { Nanos: >= 0 and <= 999_999_999 } v ? new Timestamp { Seconds = v.Seconds, Nanos = v.Nanos - (v.Nanos % 1000) } : value;

    /// <summary>Up to three names for a message, e.g. <c>"A", "B", "C" and 2 more</c>.</summary>
    public static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(3).Select(n => $"\"{n}\"")) + (names.Count > 3 ? string.Create(CultureInfo.InvariantCulture, $" and {names.Count - 3} more") : "");
}
