using System.Diagnostics;
using EdgeAccess.SystemTests.Infrastructure;
using EdgeAccess.Protos.V1;
using Xunit.Abstractions;

namespace EdgeAccess.SystemTests;

/// <summary>
/// The hub and real edge processes: bootstrap, change propagation, the offline journal reaching
/// the hub exactly once, crashes and restarts on both sides.
/// </summary>
public sealed class EdgeSyncTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SystemWorld _world = new();

    public Task InitializeAsync() => _world.InitializeAsync();

    public Task DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_card_blocked_at_the_hub_is_denied_at_the_edge()
    {
        var site = await _world.CreateSiteAsync();
        var card = await _world.AddCardholderAsync(site, "04AA000001");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04AA000001", DoorDecisionReason.Granted);

        var clock = Stopwatch.StartNew();
        await _world.BlockCardAsync(card);
        var blocked = await edge.WaitForAsync(site.Door, "04AA000001", DoorDecisionReason.CardBlocked, TimeSpan.FromSeconds(10));
        output.WriteLine($"block → denied at the edge: {clock.ElapsedMilliseconds} ms (polling every 50 ms)");
        Assert.False(blocked.Granted);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"propagation took {clock.Elapsed}");
    }

    [Fact]
    public async Task Taps_while_the_link_is_cut_reach_the_hub_exactly_once()
    {
        var site = await _world.CreateSiteAsync();
        await _world.AddCardholderAsync(site, "04AA000002");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04AA000002", DoorDecisionReason.Granted);

        _world.Link.Cut();
        const int Taps = 2000;
        await TapManyAsync(edge, site.Door, Taps, valid: "04AA000002");
        var decided = await JournalCountAsync(edge);
        _world.Link.Restore();

        var events = await WaitForHubCountAsync(edge.NodeId, decided, TimeSpan.FromSeconds(60));
        AssertExactlyOnce(events, decided);
        Assert.Contains(events, e => e.Reason == "unknown_card");
    }

    [Fact]
    public async Task An_edge_killed_during_upload_loses_nothing_and_duplicates_nothing()
    {
        var site = await _world.CreateSiteAsync();
        await _world.AddCardholderAsync(site, "04AA000003");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04AA000003", DoorDecisionReason.Granted);
        _world.Link.Cut();
        await TapManyAsync(edge, site.Door, 5000, valid: "04AA000003");
        var decided = await JournalCountAsync(edge);

        _world.Link.Restore();
        // SIGKILL as soon as the hub holds part of the upload.
        await Eventually.UntilAsync(() => _world.HubJournalAsync(edge.NodeId), events => events.Count > 0, _ => "no upload reached the hub", pollMs: 5);

        edge.Kill();
        var before = (await _world.HubJournalAsync(edge.NodeId)).Count;
        output.WriteLine($"killed with {before} of {decided} events at the hub");
        edge.Start();
        var events = await WaitForHubCountAsync(edge.NodeId, decided, TimeSpan.FromSeconds(60));
        AssertExactlyOnce(events, decided);
    }

    [Fact]
    public async Task A_hub_restart_mid_stream_is_survived()
    {
        var site = await _world.CreateSiteAsync();
        var card = await _world.AddCardholderAsync(site, "04AA000004");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04AA000004", DoorDecisionReason.Granted);

        var restart = _world.RestartHubAsync();
        // Taps go on while the hub is away: decided locally.
        for (var i = 0; i < 50; i++)
        {
            Assert.True((await edge.TapAsync(site.Door, "04AA000004")).Granted);
        }

        await restart;
        await _world.BlockCardAsync(card);
        await edge.WaitForAsync(site.Door, "04AA000004", DoorDecisionReason.CardBlocked, TimeSpan.FromSeconds(30));
        var decided = await JournalCountAsync(edge);
        var events = await WaitForHubCountAsync(edge.NodeId, decided, TimeSpan.FromSeconds(30));
        AssertExactlyOnce(events, decided);
    }

    [Fact]
    public async Task A_bounded_loop_of_edge_crashes_ends_consistent()
    {
        var site = await _world.CreateSiteAsync();
        var card = await _world.AddCardholderAsync(site, "04AA000005");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04AA000005", DoorDecisionReason.Granted);
        var random = new Random(5);
        for (var round = 0; round < 8; round++)
        {
            for (var i = 0; i < 20; i++)
            {
                try
                {
                    await edge.TapAsync(site.Door, i % 2 == 0 ? "04AA000005" : "0BADBAD0" + round);
                }
                catch (EdgeAccess.Grpc.RpcException)
                {
                    // Still starting: not decided, not journaled.
                }
            }

            await Task.Delay(random.Next(0, 800));
            edge.Kill();
            edge.Start();
        }

        await _world.BlockCardAsync(card);
        await edge.WaitForAsync(site.Door, "04AA000005", DoorDecisionReason.CardBlocked, TimeSpan.FromSeconds(60));
        var decided = await JournalCountAsync(edge);
        var events = await WaitForHubCountAsync(edge.NodeId, decided, TimeSpan.FromSeconds(60));
        AssertExactlyOnce(events, decided);
    }

    private static async Task TapManyAsync(EdgeProcess edge, string door, int taps, string valid)
    {
        // Four readers at once; every third tap an unknown card.
        await Parallel.ForAsync(0, taps, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var response = await edge.TapAsync(door, i % 3 == 0 ? $"0BAD{i:X8}" : valid);
            Assert.Equal(i % 3 != 0, response.Granted);
        });
    }

    /// <summary>
    /// How many events the edge journaled so far: one more tap (at a door it does not know) is
    /// journaled like every decision, before it is answered, and its seq counts them all — door
    /// decisions are the only events these tests cause.
    /// </summary>
    private static async Task<long> JournalCountAsync(EdgeProcess edge) => (await edge.TapAsync("no-such-door", "00000000")).JournalSeq;

    private Task<List<EdgeEvent>> WaitForHubCountAsync(string nodeId, long count, TimeSpan timeout) => Eventually.UntilAsync(
        () => _world.HubJournalAsync(nodeId), events => events.Count >= count, events => $"the hub holds {events.Count} of {count} events of {nodeId}", timeout, pollMs: 200);

    /// <summary>Every seq 1..count exactly once (the hub's primary key makes duplicates impossible; gaps are the loss to catch).</summary>
    private static void AssertExactlyOnce(List<EdgeEvent> events, long count)
    {
        var seqs = events.Select(e => e.Seq).Order().ToList();
        Assert.Equal(seqs.Distinct().Count(), seqs.Count);
        Assert.True(seqs.Count >= count, $"{seqs.Count} < {count}");
        var expected = Enumerable.Range(1, seqs.Count).Select(i => (long)i);
        Assert.Equal(expected, seqs);
    }
}
