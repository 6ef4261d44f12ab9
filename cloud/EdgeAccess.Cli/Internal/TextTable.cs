namespace EdgeAccess.Cli.Internal;

/// <summary>A plain, left-aligned text table: columns padded to their widest cell, two spaces apart.</summary>
internal sealed class TextTable
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    public TextTable(params string[] headers)
    {
        _headers = headers;
    }

    /// <summary>The number of data rows.</summary>
    public int Count => _rows.Count;

    /// <summary>Adds a row; missing cells are empty, line breaks become spaces.</summary>
    public void Add(params string?[] cells)
    {
        var row = new string[_headers.Length];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = i < cells.Length ? Clean(cells[i]) : "";
        }

        _rows.Add(row);
    }

    /// <summary>Writes the header and the rows; with no rows, <paramref name="empty"/> instead.</summary>
    public void WriteTo(TextWriter output, string empty)
    {
        if (_rows.Count == 0)
        {
            output.WriteLine(empty);
            return;
        }

        var widths = _headers.Select((h, i) => Math.Max(h.Length, _rows.Max(r => r[i].Length))).ToArray();
        WriteRow(output, _headers, widths);
        foreach (var row in _rows)
        {
            WriteRow(output, row, widths);
        }
    }

    /// <summary>Writes <c>name: value</c> lines with the values aligned.</summary>
    public static void WriteFields(TextWriter output, params (string Name, string Value)[] fields)
    {
        var width = fields.Max(f => f.Name.Length) + 1;
        foreach (var (name, value) in fields)
        {
            output.WriteLine($"{(name + ":").PadRight(width)}  {Clean(value)}".TrimEnd());
        }
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        var parts = cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]));
        output.WriteLine(string.Join("  ", parts).TrimEnd());
    }

    private static string Clean(string? cell) =>
        string.IsNullOrEmpty(cell) ? "" : cell.ReplaceLineEndings(" ");
}
