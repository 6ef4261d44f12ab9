using System.Text;

namespace EdgeAccess.Cloud.Admin.Import;

/// <summary>One CSV record: the line it starts on (1-based), its fields, and what was malformed.</summary>
/// <param name="Line">The physical line the record starts on; a quoted field may span lines.</param>
/// <param name="Fields">The field values, unquoted, with <c>""</c> turned into <c>"</c>.</param>
/// <param name="Error">Null, or why the record is malformed (it is then reported, not applied).</param>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields, string? Error);

/// <summary>
/// A careful RFC 4180 reader: comma separated fields; a field may be enclosed in double quotes, and
/// then holds commas, line breaks and doubled quotes (<c>""</c> = <c>"</c>); records end with CRLF,
/// LF or a lone CR; a leading UTF-8 byte order mark is skipped; blank lines are skipped. Lenient
/// where Excel exports are: blanks around a quoted field are ignored. Malformed records (a stray
/// quote, text after a closing quote, an unterminated quote) come back with an error instead of
/// failing the whole file, except that an unterminated quote swallows the rest of the text.
/// </summary>
internal static class CsvReader
{
    /// <summary>Reads every record of <paramref name="text"/>.</summary>
    public static List<CsvRecord> Read(string text)
    {
        var records = new List<CsvRecord>();
        var cursor = new Cursor(text, text.StartsWith('\uFEFF') ? 1 : 0);
        while (!cursor.AtEnd)
        {
            var record = ReadRecord(ref cursor);
            var blank = record.Error is null && record.Fields.Count == 1 && record.Fields[0].Length == 0;
            if (!blank)
            {
                records.Add(record);
            }
        }

        return records;
    }

    private static CsvRecord ReadRecord(ref Cursor cursor)
    {
        var line = cursor.Line;
        var fields = new List<string>();
        string? error = null;
        var field = new StringBuilder();
        while (true)
        {
            field.Clear();
            var quoteAt = cursor.SkipBlanksBeforeQuote();
            if (quoteAt)
            {
                if (!ReadQuoted(ref cursor, field))
                {
                    fields.Add(field.ToString());
                    return new CsvRecord(line, fields, $"the quoted field that starts on line {line} is never closed");
                }

                cursor.SkipBlanks();
                if (!cursor.AtEnd && cursor.Current is not (',' or '\r' or '\n'))
                {
                    error ??= $"column {fields.Count + 1}: text after a closing quote (double a quote inside a quoted field: \"\")";
                    while (!cursor.AtEnd && cursor.Current is not (',' or '\r' or '\n'))
                    {
                        cursor.Advance();
                    }
                }
            }
            else
            {
                while (!cursor.AtEnd && cursor.Current is not (',' or '\r' or '\n'))
                {
                    if (cursor.Current == '"')
                    {
                        error ??= $"column {fields.Count + 1}: a quote inside an unquoted field (quote the whole field and double the quote: \"\")";
                    }

                    field.Append(cursor.Current);
                    cursor.Advance();
                }
            }

            fields.Add(field.ToString());
            if (cursor.AtEnd)
            {
                return new CsvRecord(line, fields, error);
            }

            if (cursor.Current == ',')
            {
                cursor.Advance();
                continue;
            }

            cursor.SkipLineBreak();
            return new CsvRecord(line, fields, error);
        }
    }

    // After the opening quote up to and including the closing one; false when the text ends first.
    private static bool ReadQuoted(ref Cursor cursor, StringBuilder field)
    {
        cursor.Advance();
        while (!cursor.AtEnd)
        {
            var c = cursor.Current;
            if (c == '"')
            {
                cursor.Advance();
                if (!cursor.AtEnd && cursor.Current == '"')
                {
                    field.Append('"');
                    cursor.Advance();
                    continue;
                }

                return true;
            }

            field.Append(c);
            cursor.Advance();
        }

        return false;
    }

    /// <summary>A position in the text that counts physical lines (CRLF, LF and lone CR each end one).</summary>
    private struct Cursor(string text, int position)
    {
        private int _position = position;

        public int Line { get; private set; } = 1;

        public readonly bool AtEnd => _position >= text.Length;

        public readonly char Current => text[_position];

        public void Advance()
        {
            var c = text[_position++];
            if (c == '\n' || (c == '\r' && (_position >= text.Length || text[_position] != '\n')))
            {
                Line++;
            }
        }

        public void SkipLineBreak()
        {
            // CRLF counts once: Advance over CR does not count it when LF follows.
            if (Current == '\r')
            {
                Advance();
            }

            if (!AtEnd && Current == '\n')
            {
                Advance();
            }
        }

        public void SkipBlanks()
        {
            while (!AtEnd && Current is ' ' or '\t')
            {
                Advance();
            }
        }

        // True (positioned on the quote) when only blanks precede a quote; otherwise stays put.
        public bool SkipBlanksBeforeQuote()
        {
            var at = _position;
            while (at < text.Length && text[at] is ' ' or '\t')
            {
                at++;
            }

            if (at < text.Length && text[at] == '"')
            {
                _position = at;
                return true;
            }

            return false;
        }
    }
}
