using System.Globalization;
using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Schedules;
using NodaTime;

namespace EdgeAccess.Bench.Rights.Generation;

/// <summary>
/// Generates the benchmark site deterministically from a seed: doors grouped into one "building" per
/// group tree, a forest of group trees exactly five levels deep, people concentrated in a few large
/// trees (so some groups hold ~10k people transitively), 1–3 memberships per person, cards (some
/// blocked, lost or expired), schemes at every level and direct grants. Every validity window
/// overlaps every other, so <see cref="ModelAnalysis.ExpectedRights"/> can count the compiled rows exactly.
/// </summary>
internal static class SiteGenerator
{
    /// <summary>Groups per level of one tree, root first: 80 per tree, depth 5.</summary>
    public static readonly int[] LevelSizes = [1, 3, 6, 18, 52];

    /// <summary>Trees with a large share of the people (the rest share the remainder evenly).</summary>
    private const int LargeTrees = 5;
    private const double LargeTreeShare = 0.08;

    public static SiteModel Generate(BenchOptions options, DateTimeOffset now)
    {
        var random = new Random(options.Seed);
        Guid NewId()
        {
            Span<byte> bytes = stackalloc byte[16];
            random.NextBytes(bytes);
            bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (little-endian layout of Guid)
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
            return new Guid(bytes);
        }

        var trees = options.Trees;
        var perTree = LevelSizes.Sum();
        var doorsPerBuilding = options.Doors / trees;

        var doors = Enumerable.Range(0, options.Doors)
            .Select(i => new DoorSpec(NewId(), string.Create(CultureInfo.InvariantCulture, $"b{i / Math.Max(1, doorsPerBuilding):00}-door-{i:000}"), random.NextDouble() < 0.05))
            .ToArray();
        var schedules = Schedules(NewId);
        var holidays = Enumerable.Range(0, 12).Select(i => DateOnly.FromDateTime(now.UtcDateTime).AddDays(i * 29 - 170)).ToArray();

        // The forest: per tree, level L's node j hangs under node j * size(L-1) / size(L) of level L-1.
        var groups = new List<GroupSpec>(trees * perTree);
        for (var t = 0; t < trees; t++)
        {
            var previous = new List<int>();
            for (var level = 0; level < LevelSizes.Length; level++)
            {
                var current = new List<int>();
                for (var j = 0; j < LevelSizes[level]; j++)
                {
                    var parent = level == 0 ? -1 : previous[j * LevelSizes[level - 1] / LevelSizes[level]];
                    var active = level == 0 || random.NextDouble() >= 0.01;
                    current.Add(groups.Count);
                    groups.Add(new GroupSpec(NewId(), string.Create(CultureInfo.InvariantCulture, $"t{t:00}-l{level}-{j:00}"), t, level, parent, active));
                }

                previous = current;
            }
        }

        var byTreeLevel = groups.Select((g, i) => (g, i)).ToLookup(x => (x.g.Tree, x.g.Level), x => x.i);
        var people = Enumerable.Range(0, options.People).Select(_ => new PersonSpec(NewId(), random.NextDouble() >= 0.01)).ToArray();

        // Cards: one each, a second for half of the people; some blocked or lost, some expired.
        var cards = new List<CardSpec>(options.People * 3 / 2);
        for (var p = 0; p < people.Length; p++)
        {
            var count = random.NextDouble() < options.SecondCardShare ? 2 : 1;
            for (var c = 0; c < count; c++)
            {
                var roll = random.NextDouble();
                short status = roll < 0.03 ? (short)1 : roll < 0.04 ? (short)2 : (short)0;
                var window = random.NextDouble();
                (DateTimeOffset?, DateTimeOffset?) validity = window < 0.02 ? (now.AddDays(-400), now.AddDays(-10))
                    : window < 0.12 ? (now.AddDays(-100), now.AddDays(365)) : (null, null);
                var hash = new byte[32];
                random.NextBytes(hash);
                cards.Add(new CardSpec(NewId(), p, status, validity.Item1, validity.Item2, hash,
                    random.Next(10_000).ToString("0000", CultureInfo.InvariantCulture)));
            }
        }

        // Memberships: a primary group in the person's tree (mostly a leaf), sometimes one or two more anywhere.
        var memberships = new List<MembershipSpec>(options.People * 2);
        var smallShare = (1 - LargeTrees * LargeTreeShare) / (trees - LargeTrees);
        for (var p = 0; p < people.Length; p++)
        {
            var roll = random.NextDouble();
            var tree = roll < LargeTrees * LargeTreeShare
                ? (int)(roll / LargeTreeShare)
                : LargeTrees + Math.Min(trees - LargeTrees - 1, (int)((roll - LargeTrees * LargeTreeShare) / smallShare));
            var chosen = new HashSet<int> { PickGroup(tree, random.NextDouble() < 0.85 ? 4 : 3) };
            if (random.NextDouble() < 0.45)
            {
                chosen.Add(PickGroup(random.Next(trees), 2 + random.Next(3)));
                if (random.NextDouble() < 0.3)
                {
                    chosen.Add(PickGroup(random.Next(trees), 2 + random.Next(3)));
                }
            }

            foreach (var group in chosen)
            {
                var windowed = random.NextDouble() < 0.05;
                memberships.Add(new MembershipSpec(NewId(), p, group, windowed ? now.AddDays(-200) : null, windowed ? now.AddDays(200) : null,
                    random.NextDouble() < 0.1 ? "lead" : ""));
            }
        }

        // Schemes: every root opens two doors of its building; lower levels open a few more with some probability.
        double[] schemeChance = [1.0, 0.65, 0.45, 0.22, 0.12];
        var schemes = new List<SchemeSpec>();
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            if (random.NextDouble() >= schemeChance[group.Level] * options.SchemeDensity)
            {
                continue;
            }

            var count = random.NextDouble() < 0.15 ? 2 : 1; // a second scheme with another schedule
            for (var s = 0; s < count; s++)
            {
                var doorCount = group.Level == 0 ? 2 : 1 + random.Next(group.Level == 1 ? 3 : 2);
                var picked = new HashSet<int>();
                while (picked.Count < doorCount)
                {
                    picked.Add(random.NextDouble() < 0.1 ? random.Next(doors.Length) : Math.Min(doors.Length - 1, group.Tree * doorsPerBuilding + random.Next(doorsPerBuilding)));
                }

                var windowed = random.NextDouble() < 0.05;
                schemes.Add(new SchemeSpec(NewId(), string.Create(CultureInfo.InvariantCulture, $"scheme-{schemes.Count:0000}"), g, random.Next(schedules.Length),
                    random.NextDouble() < 0.05, windowed ? now.AddDays(-365) : null, windowed ? now.AddDays(365) : null, [.. picked.Order()]));
            }
        }

        var grants = Enumerable.Range(0, options.Grants).Select(_ =>
        {
            var windowed = random.NextDouble() < 0.3;
            return new GrantSpec(NewId(), random.Next(people.Length), random.Next(doors.Length), random.Next(schedules.Length), random.NextDouble() < 0.05,
                windowed ? now.AddDays(-30) : null, windowed ? now.AddDays(60) : null);
        }).ToArray();

        return new SiteModel
        {
            SiteId = NewId(),
            SiteName = "bench-site",
            TimeZone = "Europe/Berlin",
            Doors = doors,
            Schedules = schedules,
            CalendarId = NewId(),
            Holidays = holidays,
            Groups = [.. groups],
            People = people,
            Cards = [.. cards],
            Memberships = [.. memberships],
            Schemes = [.. schemes],
            Grants = grants,
            Now = now,
        };

        int PickGroup(int tree, int level)
        {
            var candidates = byTreeLevel[(tree, level)].ToList();
            return candidates[random.Next(candidates.Count)];
        }
    }

    private static ScheduleSpec[] Schedules(Func<Guid> newId)
    {
        (string Name, int[] Days, int Start, int End, bool Calendar)[] shapes =
        [
            ("always", [1, 2, 3, 4, 5, 6, 7], 0, 1440, false),
            ("office", [1, 2, 3, 4, 5], 480, 1080, true),
            ("early", [1, 2, 3, 4, 5], 360, 900, true),
            ("late", [1, 2, 3, 4, 5], 720, 1320, true),
            ("weekend", [6, 7], 540, 1020, false),
            ("night", [1, 2, 3, 4, 5, 6, 7], 1320, 360, false),
            ("cleaning", [1, 3, 5], 1080, 1320, true),
            ("delivery", [1, 2, 3, 4, 5, 6], 300, 600, true),
            ("extended", [1, 2, 3, 4, 5, 6], 420, 1200, true),
            ("visitors", [1, 2, 3, 4, 5], 540, 960, true),
        ];
        return [.. shapes.Select(s => new ScheduleSpec(newId(), s.Name,
            ScheduleJson.ToJson(s.Days.Select(d => new WeeklyInterval((IsoDayOfWeek)d, s.Start, s.End)), [], []), s.Calendar))];
    }
}
