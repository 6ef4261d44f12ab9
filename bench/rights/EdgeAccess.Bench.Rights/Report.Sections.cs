using System.Globalization;
using System.Text;
using EdgeAccess.Bench.Rights.Diagnostics;
using EdgeAccess.Bench.Rights.Generation;
using EdgeAccess.Bench.Rights.Phases;

namespace EdgeAccess.Bench.Rights;

internal static partial class Report
{
    /// <summary>What was generated (seeded, so the same options give the same site).</summary>
    public static string Dataset(BenchResults r)
    {
        var m = r.Model;
        var a = r.Analysis;
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        var levels = string.Join(" / ", SiteGenerator.LevelSizes);
        var schemesByLevel = string.Join(" / ", Enumerable.Range(0, SiteGenerator.LevelSizes.Length).Select(l => m.Schemes.Count(s => m.Groups[s.Group].Level == l)));
        var nonRoot = m.Groups.Where(g => g.Parent >= 0).ToList();
        var members = a.TransitiveMembers.Order().ToArray();

        Line($"### Dataset (seed {r.Options.Seed}, generated in {r.Generate.TotalSeconds:F1} s)");
        Line("");
        Line("| entity | count | shape |");
        Line("|---|---:|---|");
        Line($"| site | 1 | {m.SiteName}, {m.TimeZone} |");
        Line($"| doors | {m.Doors.Length:N0} | {m.Doors.Count(d => d.RequiresPin)} require a PIN; one building of {m.Doors.Length / r.Options.Trees} doors per group tree |");
        Line($"| schedules | {m.Schedules.Length} | {m.Schedules.Count(s => s.UsesCalendar)} honour a holiday calendar of {m.Holidays.Length} days |");
        Line($"| groups | {m.Groups.Length:N0} | {r.Options.Trees} trees × {SiteGenerator.LevelSizes.Sum()} groups, exactly {SiteGenerator.LevelSizes.Length} levels deep ({levels} per level); {m.Groups.Count(g => !g.Active)} inactive |");
        Line($"| group nestings | {nonRoot.Count:N0} | transitive members per group: median {members[members.Length / 2]:N0}, max {members[^1]:N0} |");
        Line($"| people | {m.People.Length:N0} | {m.People.Count(p => !p.Active):N0} inactive; 40% of them in 5 large trees |");
        Line($"| cards | {m.Cards.Length:N0} | {m.Cards.Count(c => c.Status == 0):N0} active, {m.Cards.Count(c => c.Status == 1):N0} blocked, {m.Cards.Count(c => c.Status == 2):N0} lost; " +
             $"{m.Cards.Count(c => c.ValidTo < m.Now):N0} expired, {m.Cards.Count(c => c.ValidTo > m.Now):N0} time-limited |");
        Line($"| memberships | {m.Memberships.Length:N0} | 1–3 per person ({(double)m.Memberships.Length / m.People.Length:F2} average), mostly leaves; {m.Memberships.Count(x => x.ValidTo is not null):N0} with a validity window |");
        Line($"| access schemes | {m.Schemes.Length:N0} | per level {schemesByLevel}; {m.Schemes.Sum(s => s.Doors.Length):N0} scheme doors; {m.Schemes.Count(s => s.ValidTo is not null)} windowed |");
        Line($"| direct grants | {m.Grants.Length:N0} | {m.Grants.Count(g => g.ValidTo is not null):N0} windowed |");
        Line($"| effective rights expected | {a.ExpectedRights:N0} | counted independently from the generated model |");
        return text.ToString();
    }

    private static void Samples(StringBuilder text, string title, IEnumerable<(ChangeSample Add, ChangeSample Remove)> samples)
    {
        text.Append(CultureInfo.InvariantCulture, $"### {title}\n\n");
        text.Append("| change | people affected | add: ms | add: feed entries | add: WAL | remove: ms | remove: feed entries | remove: WAL |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var (add, remove) in samples)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {add.What[(add.What.IndexOf(' ', StringComparison.Ordinal) + 1)..]} | {add.AffectedPeople:N0} | {add.Elapsed.TotalMilliseconds:N0} | {add.FeedEntries:N0} | {Mb(add.WalBytes)} " +
                $"| {remove.Elapsed.TotalMilliseconds:N0} | {remove.FeedEntries:N0} | {Mb(remove.WalBytes)} |\n");
        }

        text.Append('\n');
    }

    private static void Timeline(StringBuilder text, string title, SpanTree tree)
    {
        text.Append(CultureInfo.InvariantCulture, $"### Timeline: {title}\n\n```\n");
        text.Append(tree.Render(minGapMs: tree.Root is { } root ? Math.Max(0.2, root.Duration.TotalMilliseconds / 1000) : 0.2));
        text.Append("```\n\n");
    }
}
