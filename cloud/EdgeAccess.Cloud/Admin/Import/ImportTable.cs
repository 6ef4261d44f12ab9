using EdgeAccess.Cloud.Admin.Common;

namespace EdgeAccess.Cloud.Admin.Import;

/// <summary>The columns a kind of import accepts, and which of them a header must have.</summary>
/// <param name="All">Every accepted column, in documentation order.</param>
/// <param name="Required">The columns a header must name.</param>
internal sealed record ImportColumns(IReadOnlyList<string> All, IReadOnlyList<string> Required);

/// <summary>One data row, with its values looked up by column name.</summary>
internal sealed class CsvRow(int line, IReadOnlyList<string> fields, IReadOnlyDictionary<string, int> columns)
{
    /// <summary>The line the row starts on.</summary>
    public int Line { get; } = line;

    /// <summary>True when the header has <paramref name="column"/> (an absent column leaves the field unchanged).</summary>
    public bool Has(string column) => columns.ContainsKey(column);

    /// <summary>The trimmed value of <paramref name="column"/>; empty when the header lacks it.</summary>
    public string this[string column] => columns.TryGetValue(column, out var index) ? fields[index].Trim() : "";
}

/// <summary>Splits parsed CSV records into a checked header and data rows.</summary>
internal static class ImportTable
{
    /// <summary>
    /// The data rows of <paramref name="records"/> under their header (the first record), plus the
    /// records that are malformed or have the wrong number of fields, as errors by line. A missing,
    /// malformed, duplicated or unknown header column fails the call (INVALID_ARGUMENT csv).
    /// </summary>
    public static (List<CsvRow> Rows, List<(int Line, string Error)> Errors) Split(List<CsvRecord> records, ImportColumns columns)
    {
        if (records.Count == 0)
        {
            throw ApiErrors.Invalid("csv", "has no header row (expected " + string.Join(",", columns.All) + ")");
        }

        var header = records[0];
        if (header.Error is not null)
        {
            throw ApiErrors.Invalid("csv", $"line {header.Line} (header): {header.Error}");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim().ToLowerInvariant();
            if (!columns.All.Contains(name))
            {
                throw ApiErrors.Invalid("csv", $"line {header.Line} (header): unknown column \"{name}\" (expected {string.Join(",", columns.All)})");
            }

            if (!index.TryAdd(name, i))
            {
                throw ApiErrors.Invalid("csv", $"line {header.Line} (header): column \"{name}\" appears twice");
            }
        }

        var missing = columns.Required.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw ApiErrors.Invalid("csv", $"line {header.Line} (header): required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} missing");
        }

        var rows = new List<CsvRow>();
        var errors = new List<(int, string)>();
        foreach (var record in records.Skip(1))
        {
            if (record.Error is not null)
            {
                errors.Add((record.Line, record.Error));
            }
            else if (record.Fields.Count != header.Fields.Count)
            {
                errors.Add((record.Line, $"has {record.Fields.Count} fields where the header has {header.Fields.Count}"));
            }
            else
            {
                rows.Add(new CsvRow(record.Line, record.Fields, index));
            }
        }

        return (rows, errors);
    }
}
