using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeAccess.Bench.Rights.Diagnostics;

/// <summary>
/// The spans of one measured operation as a timeline: each span with its offset from the start, its
/// duration and (for queries) the time to the first response, nested under its parent; the time
/// between traced children is shown as "untraced" (.NET work such as computing rights, EF, commit).
/// </summary>
internal sealed partial class SpanTree(ActivitySpanId rootId, IReadOnlyList<Span> spans)
{
    private readonly ILookup<ActivitySpanId, Span> _children = spans.OrderBy(s => s.Start).ToLookup(s => s.ParentId);

    public Span? Root { get; } = spans.FirstOrDefault(s => s.Id == rootId);

    /// <summary>Spans whose name or statement contains <paramref name="text"/>.</summary>
    public IEnumerable<Span> Matching(string text) =>
        spans.Where(s => s.Name.Contains(text, StringComparison.Ordinal) || (s.Statement?.Contains(text, StringComparison.Ordinal) ?? false));

    /// <summary>Total duration of the spans whose name or statement contains <paramref name="text"/>.</summary>
    public TimeSpan Sum(string text) => Matching(text).Aggregate(TimeSpan.Zero, (total, s) => total + s.Duration);

    /// <summary>The timeline as fixed-width text (for a code block).</summary>
    public string Render(double minGapMs = 0.5)
    {
        var text = new StringBuilder();
        text.AppendLine("   start ms |    dur ms | 1st resp ms | span");
        if (Root is null)
        {
            return text.AppendLine("(no root span recorded)").ToString();
        }

        Append(Root, 0);
        return text.ToString();

        void Append(Span span, int depth)
        {
            Line(span.Start, span.Duration, span.FirstResponse, depth, Label(span));
            var cursor = span.Start;
            var children = _children[span.Id].ToList();
            for (var i = 0; i < children.Count; i++)
            {
                var child = children[i];

                // Repeated identical leaf statements (e.g. one query per seed) collapse into one line.
                var run = 1;
                while (i + run < children.Count && !_children[children[i + run].Id].Any() && !_children[child.Id].Any()
                    && Label(children[i + run]) == Label(child))
                {
                    run++;
                }

                Gap(cursor, child.Start, depth + 1);
                if (run == 1)
                {
                    Append(child, depth + 1);
                    cursor = child.End;
                }
                else
                {
                    var last = children[i + run - 1];
                    var busy = children.Skip(i).Take(run).Aggregate(TimeSpan.Zero, (t, s) => t + s.Duration);
                    Line(child.Start, busy, null, depth + 1, $"{Label(child)} ×{run} (sum of durations; spans {Ms(last.End - child.Start)} ms)");
                    cursor = last.End;
                    i += run - 1;
                }
            }

            if (children.Count > 0)
            {
                Gap(cursor, span.End, depth + 1);
            }
        }

        void Gap(DateTime from, DateTime to, int depth)
        {
            if ((to - from).TotalMilliseconds >= minGapMs)
            {
                Line(from, to - from, null, depth, "· untraced (.NET work, EF, commit)");
            }
        }

        void Line(DateTime start, TimeSpan duration, TimeSpan? first, int depth, string label) =>
            text.Append(CultureInfo.InvariantCulture,
                $"{Ms(start - Root!.Start),11} | {Ms(duration),9} | {(first is { } f ? Ms(f) : ""),11} | {new string(' ', depth * 2)}{label}\n");
    }

    public static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Label(Span span)
    {
        if (span.Statement is not { } statement)
        {
            return span.Source == "Npgsql" ? span.Name : $"[{span.Name}]";
        }

        // A batch is traced as one span whose text is its statements joined by ";" and a line break.
        var statements = StatementBreak().Split(statement).Count(s => !string.IsNullOrWhiteSpace(s));
        var flat = Whitespace().Replace(statement, " ").Trim();
        var label = statements > 1 ? $"batch of {statements} statements: {flat}" : flat;
        return label.Length <= 110 ? label : label[..107] + "...";
    }

    [GeneratedRegex(@";\s*\n")]
    private static partial Regex StatementBreak();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
