using System.Globalization;
using System.Text;

namespace EdgeAccess.Bench.Shared;

/// <summary>The Markdown report: printed to stdout as it grows, and saved at the end.</summary>
internal sealed class Report
{
    private readonly StringBuilder _text = new();

    public void Heading(string title) => Line($"\n## {title}\n");

    public void Line(string text)
    {
        _text.AppendLine(text);
        Console.WriteLine(text);
    }

    public void Row(params object[] cells) =>
        Line("| " + string.Join(" | ", cells.Select(c => Convert.ToString(c, CultureInfo.InvariantCulture))) + " |");

    public void Header(params string[] columns)
    {
        Row(columns);
        Row([.. columns.Select(_ => "---")]);
    }

    /// <summary>Progress for stderr (not in the report).</summary>
    public static void Progress(string text) =>
        Console.Error.WriteLine($"bench {TimeProvider.System.GetLocalNow():HH:mm:ss}: {text}");

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, _text.ToString());
    }
}
