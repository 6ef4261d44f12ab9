using System.Diagnostics;
using EdgeAccess.Bench.Rights.Diagnostics;
using EdgeAccess.Bench.Rights.Generation;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Compiler;

namespace EdgeAccess.Bench.Rights.Phases;

/// <summary>One measured change: <see cref="HubChanges.SaveAsync"/> from call to return (= committed).</summary>
internal sealed record ChangeSample(string What, int AffectedPeople, TimeSpan Elapsed, long FeedEntries, long WalBytes);

internal sealed record ChangeResult(
    CpuUse NestingCpu,
    CpuUse PersonCpu,
    List<ChangeSample> NestingAdds,
    List<ChangeSample> NestingRemoves,
    SpanTree NestingAddTree,
    SpanTree NestingRemoveTree,
    List<ChangeSample> PersonAdds,
    List<ChangeSample> PersonRemoves,
    SpanTree PersonAddTree,
    CompileReport VerifyAfter,
    TimeSpan VerifyAfterElapsed);

/// <summary>
/// Incremental changes through <see cref="HubChanges.SaveAsync"/>, each in its own context as an
/// admin request would make it: group nestings that give ~10k people new doors (added, then
/// removed again), and single-person membership changes. Afterwards the stored state must still
/// equal a full compile.
/// </summary>
internal static class ChangePhase
{
    private static readonly ChangeActor Actor = new(null, "bench");

    public static async Task<ChangeResult> RunAsync(BenchHub hub, SpanRecorder recorder, SiteModel model, ModelAnalysis analysis, BenchOptions options, CancellationToken cancellationToken)
    {
        var random = new Random(options.Seed + 1);
        var personPairs = PersonChanges(model, analysis, random, options.PersonChanges + 3);

        // Warm-up (JIT, EF model, connection pool): three single-person changes, not counted.
        await hub.MarkAsync("change warm-up", cancellationToken);
        foreach (var (person, group, id) in personPairs.Take(3))
        {
            await SaveAsync(db => db.Memberships.Add(new Membership { Id = id, PersonId = model.People[person].Id, GroupId = model.Groups[group].Id }));
            await SaveAsync(db => db.Memberships.Remove(new Membership { Id = id, PersonId = model.People[person].Id, GroupId = model.Groups[group].Id, Version = 1 }));
        }

        var nestingAdds = new List<ChangeSample>();
        var nestingRemoves = new List<ChangeSample>();
        await hub.MarkAsync("nesting changes (~10k people each)", cancellationToken);
        SpanTree? addTree = null, removeTree = null;
        var cpu = CpuMeter.Start();
        foreach (var (child, parent) in analysis.NestingPairs(options.NestingChanges, Math.Max(1, options.People / 10)))
        {
            var what = $"{model.Groups[child].Name} (level {model.Groups[child].Level}) under {model.Groups[parent].Name} ({analysis.UpDoors(parent).Count} doors)";
            var nesting = () => new GroupNesting { ParentId = model.Groups[parent].Id, ChildId = model.Groups[child].Id };
            var (add, tree) = await MeasureAsync("nest " + what, analysis.TransitiveMembers[child], db => db.GroupNestings.Add(nesting()));
            nestingAdds.Add(add);
            addTree ??= tree;
            var (remove, removed) = await MeasureAsync("unnest " + what, analysis.TransitiveMembers[child], db => db.GroupNestings.Remove(nesting()));
            nestingRemoves.Add(remove);
            removeTree ??= removed;
            Program.Log($"nesting change ({add.AffectedPeople:N0} people): add {add.Elapsed.TotalMilliseconds:F0} ms / {add.FeedEntries:N0} entries, " +
                $"remove {remove.Elapsed.TotalMilliseconds:F0} ms / {remove.FeedEntries:N0} entries");
        }

        var nestingCpu = cpu.Stop();
        var personAdds = new List<ChangeSample>();
        var personRemoves = new List<ChangeSample>();
        await hub.MarkAsync("single-person changes", cancellationToken);
        SpanTree? personTree = null;
        cpu = CpuMeter.Start();
        foreach (var (person, group, id) in personPairs.Skip(3))
        {
            var what = $"membership of one person in {model.Groups[group].Name}";
            var (add, tree) = await MeasureAsync("add " + what, 1,
                db => db.Memberships.Add(new Membership { Id = id, PersonId = model.People[person].Id, GroupId = model.Groups[group].Id }));
            personAdds.Add(add);
            personTree ??= tree;
            var (remove, _) = await MeasureAsync("remove " + what, 1,
                db => db.Memberships.Remove(new Membership { Id = id, PersonId = model.People[person].Id, GroupId = model.Groups[group].Id, Version = 1 }));
            personRemoves.Add(remove);
        }

        var personCpu = cpu.Stop();
        Program.Log($"single-person changes: {personAdds.Count} adds, {personRemoves.Count} removes");
        await hub.MarkAsync("VerifyAsync after the changes", cancellationToken);
        var started = Stopwatch.GetTimestamp();
        CompileReport verify;
        await using (var scope = hub.NewContext())
        {
            verify = await hub.Compiler.VerifyAsync(scope.Db, cancellationToken);
        }

        return new ChangeResult(nestingCpu, personCpu, nestingAdds, nestingRemoves, addTree!, removeTree!, personAdds, personRemoves, personTree!, verify, Stopwatch.GetElapsedTime(started));

        async Task SaveAsync(Action<HubDbContext> edit)
        {
            await using var scope = hub.NewContext();
            edit(scope.Db);
            await hub.Changes.SaveAsync(scope.Db, Actor, cancellationToken);
        }

        async Task<(ChangeSample, SpanTree)> MeasureAsync(string what, int affected, Action<HubDbContext> edit)
        {
            var head = await hub.HeadAsync(model.SiteId, cancellationToken);
            var wal = await hub.WalPositionAsync(cancellationToken);
            await using var scope = hub.NewContext();
            edit(scope.Db);
            var started = Stopwatch.GetTimestamp();
            var (_, tree) = await recorder.MeasureAsync(what, async () =>
            {
                await hub.Changes.SaveAsync(scope.Db, Actor, cancellationToken);
                return true;
            });
            var elapsed = Stopwatch.GetElapsedTime(started);
            var entries = await hub.HeadAsync(model.SiteId, cancellationToken) - head;
            return (new ChangeSample(what, affected, elapsed, entries, await hub.WalSinceAsync(wal, cancellationToken)), tree);
        }
    }

    /// <summary>Random active people with an active card, each joining a scheme-carrying group they are not in.</summary>
    private static List<(int Person, int Group, Guid MembershipId)> PersonChanges(SiteModel model, ModelAnalysis analysis, Random random, int count)
    {
        var withCard = model.Cards.Where(c => c.Status == 0).Select(c => c.Person).ToHashSet();
        var memberOf = model.Memberships.Select(m => (m.Person, m.Group)).ToHashSet();
        var groups = analysis.SchemeGroups.Where(g => model.Groups[g].Active).Order().ToArray();
        var used = new HashSet<int>();
        var result = new List<(int, int, Guid)>();
        while (result.Count < count)
        {
            var person = random.Next(model.People.Length);
            var group = groups[random.Next(groups.Length)];
            if (model.People[person].Active && withCard.Contains(person) && !memberOf.Contains((person, group)) && used.Add(person))
            {
                var bytes = new byte[16];
                random.NextBytes(bytes);
                result.Add((person, group, new Guid(bytes)));
            }
        }

        return result;
    }
}
