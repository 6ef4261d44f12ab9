using System.Diagnostics;
using System.Globalization;
using EdgeAccess.Bench.Edge.Hub;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Bench.Edge.Propagation;

/// <summary>
/// Scenario 2: the real hub on the private PostgreSQL (default durability), a small site built
/// through the admin API, N enrolled in-process edge nodes syncing it; then card block/unblock
/// changes through <c>CardService.UpdateCard</c>, spaced apart, each timed from the call's return
/// (the change is committed by then) to every edge's <c>IndexPublished</c> at or after the feed head read
/// right after the call.
/// </summary>
internal sealed class PropagationScenario(BenchOptions options, Report report)
{
    private const int Cardholders = 20;
    private const int SiteDoors = 4;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        report.Heading($"2. Propagation hub commit → edge index published ({options.Edges} edges, {options.Changes} changes)");
        var connection = options.Connection ?? throw new ArgumentException("--connection is required (the private PostgreSQL)");
        await using var hub = await BenchHub.StartAsync(connection, "bench_edge_propagation", options.CardHashKey, cancellationToken);
        var (siteId, doors, scheduleId) = await hub.CreateSiteAsync(SiteDoors, cancellationToken);
        var cards = new List<Card>();
        for (var i = 0; i < Cardholders; i++)
        {
            cards.Add(await hub.AddCardholderAsync(doors, scheduleId, (0xCA0000000000L + i).ToString("X12", CultureInfo.InvariantCulture), cancellationToken));
        }

        var root = Path.Combine(options.WorkDirectory, "propagation");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Report.Progress($"site ready (head {await hub.HeadAsync(siteId, cancellationToken)}); starting {options.Edges} edges");
        var edges = new List<InProcessEdge>();
        try
        {
            var connectClock = Stopwatch.StartNew();
            for (var i = 0; i < options.Edges; i++)
            {
                var nodeId = $"bench-edge-{i:D3}";
                var code = await hub.CreateNodeAsync(nodeId, siteId, cancellationToken);
                var edge = new InProcessEdge(nodeId, hub.GrpcAddress, code, Path.Combine(root, nodeId), options.CardHashKey);
                edges.Add(edge);
                await edge.StartAsync(cancellationToken);
            }

            var head = await hub.HeadAsync(siteId, cancellationToken);
            await WaitAllAsync(edges, head, TimeSpan.FromMinutes(3), cancellationToken);
            var connected = connectClock.Elapsed;
            Report.Progress($"all {edges.Count} edges at position {head} after {connected.TotalSeconds:F1} s; settling 5 s");
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);

            var changes = new List<(long Head, long Before, long After)>();
            var blocked = new bool[cards.Count];
            var runClock = Stopwatch.StartNew();
            for (var i = 0; i < options.Changes; i++)
            {
                var due = TimeSpan.FromMilliseconds((double)i * options.SpacingMs);
                if (due > runClock.Elapsed)
                {
                    await Task.Delay(due - runClock.Elapsed, cancellationToken);
                }

                var c = i % cards.Count;
                blocked[c] = !blocked[c];
                var before = Stopwatch.GetTimestamp();
                await hub.Cards.UpdateCardAsync(new UpdateCardRequest
                {
                    Card = new Card { Id = cards[c].Id, Status = blocked[c] ? CardStatus.Blocked : CardStatus.Active },
                    UpdateMask = new FieldMask { Paths = { "status" } },
                }, hub.Call(cancellationToken)).ResponseAsync;
                var after = Stopwatch.GetTimestamp();
                changes.Add((await hub.HeadAsync(siteId, cancellationToken), before, after));
            }

            var finalHead = changes[^1].Head;
            var missing = await WaitAllAsync(edges, finalHead, TimeSpan.FromSeconds(30), cancellationToken);
            var committedAt = await CommittedAtAsync(hub, siteId, changes.Select(c => c.Head).ToArray(), cancellationToken);
            var fromCommittedAt = new List<double>();
            var fromReturn = new List<double>();
            var fromStart = new List<double>();
            var slowestEdge = new List<double>();
            var unseen = 0;
            foreach (var (changeHead, before, after) in changes)
            {
                var worst = 0.0;
                foreach (var edge in edges)
                {
                    if (edge.PublishedAt(changeHead) is { } at)
                    {
                        var ms = Stopwatch.GetElapsedTime(after, at).TotalMilliseconds;
                        fromReturn.Add(ms);
                        fromStart.Add(Stopwatch.GetElapsedTime(before, at).TotalMilliseconds);
                        fromCommittedAt.Add((ToUtc(at) - committedAt[changeHead]).TotalMilliseconds);
                        worst = Math.Max(worst, ms);
                    }
                    else
                    {
                        unseen++;
                    }
                }

                slowestEdge.Add(worst);
            }

            var commit = Stats.FromTicks(changes.Select(c => c.After - c.Before));
            var stats = Stats.FromMilliseconds(fromReturn);
            var upper = Stats.FromMilliseconds(fromStart);
            var feed = Stats.FromMilliseconds(fromCommittedAt);
            var worstPerChange = Stats.FromMilliseconds(slowestEdge);
            report.Line("");
            report.Line($"Hub: CloudHost in-process on a private PostgreSQL (default durability), default sync settings; site with {SiteDoors} doors, {Cardholders} cardholders " +
                $"(admin API); {edges.Count} in-process edges (EdgeHost, own data folder and port each) enrolled and at the head after {connected.TotalSeconds:F1} s. " +
                $"{options.Changes} `UpdateCard` status flips (block/unblock), one every {options.SpacingMs} ms; run took {runClock.Elapsed.TotalSeconds:F1} s.");
            report.Line("");
            report.Header("measure", "n", "p50 ms", "p99 ms", "p99.9 ms", "max ms");
            report.Row("`UpdateCard` call (commit included)", commit.Count, Stats.Ms(commit.P(0.5)), Stats.Ms(commit.P(0.99)), Stats.Ms(commit.P(0.999)), Stats.Ms(commit.Max));
            report.Row("**call return → edge IndexPublished** (every edge × change)", stats.Count, Stats.Ms(stats.P(0.5)), Stats.Ms(stats.P(0.99)), Stats.Ms(stats.P(0.999)), Stats.Ms(stats.Max));
            report.Row("FeedChange.committed_at → edge IndexPublished (set just before COMMIT: includes the commit's WAL flush)", feed.Count, Stats.Ms(feed.P(0.5)), Stats.Ms(feed.P(0.99)), Stats.Ms(feed.P(0.999)), Stats.Ms(feed.Max));
            report.Row("call start → edge IndexPublished (upper bound)", upper.Count, Stats.Ms(upper.P(0.5)), Stats.Ms(upper.P(0.99)), Stats.Ms(upper.P(0.999)), Stats.Ms(upper.Max));
            report.Row("slowest of the edges, per change", worstPerChange.Count, Stats.Ms(worstPerChange.P(0.5)), Stats.Ms(worstPerChange.P(0.99)), Stats.Ms(worstPerChange.P(0.999)), Stats.Ms(worstPerChange.Max));
            report.Line("");
            report.Line($"- p99 ≤ 250 ms: **{(stats.P(0.99) <= 250 && unseen == 0 ? "met" : "not met")}** ({stats.ShareAtOrUnder(250):P2} of pairs ≤ 250 ms); " +
                $"edge × change pairs never published: {unseen} (edges not at the final head 30 s after the last change: {missing}).");
        }
        finally
        {
            foreach (var edge in edges)
            {
                await edge.DisposeAsync();
            }

            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    // Stopwatch timestamps to wall-clock time (committed_at comes from the hub's TimeProvider; same machine, same clock).
    private static readonly (long Ticks, DateTimeOffset Utc) Anchor = (Stopwatch.GetTimestamp(), TimeProvider.System.GetUtcNow());

    private static DateTimeOffset ToUtc(long timestamp) => Anchor.Utc + Stopwatch.GetElapsedTime(Anchor.Ticks, timestamp);

    private static async Task<Dictionary<long, DateTimeOffset>> CommittedAtAsync(BenchHub hub, string siteId, long[] positions, CancellationToken cancellationToken)
    {
        await using var command = hub.DataSource.CreateCommand("SELECT position, committed_at FROM feed_entries WHERE site_id = $1 AND position = ANY($2)");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = Guid.Parse(siteId) });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]> { TypedValue = positions });
        var result = new Dictionary<long, DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetInt64(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }

        return result;
    }

    /// <summary>Waits until every edge published an index at <paramref name="position"/> or later; returns how many did not.</summary>
    private static async Task<int> WaitAllAsync(List<InProcessEdge> edges, long position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var behind = edges.Count(e => e.PublishedPosition < position);
            if (behind == 0 || clock.Elapsed > timeout)
            {
                if (behind > 0)
                {
                    Report.Progress($"{behind} edges not at position {position} after {timeout.TotalSeconds:F0} s");
                }

                return behind;
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
