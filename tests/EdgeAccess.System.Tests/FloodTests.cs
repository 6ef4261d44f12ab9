using System.Diagnostics;
using EdgeAccess.Protos.V1;
using EdgeAccess.SystemTests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAccess.SystemTests;

/// <summary>
/// The PAK-USV reader test: a constant flood of illegitimate cards must not slow the legitimate
/// ones, nor change their answers.
/// </summary>
public sealed class FloodTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SystemWorld _world = new();

    public Task InitializeAsync() => _world.InitializeAsync();

    public Task DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_flood_of_invalid_cards_does_not_slow_valid_ones()
    {
        var site = await _world.CreateSiteAsync(doors: 2);
        await _world.AddCardholderAsync(site, "04CC000001");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04CC000001", DoorDecisionReason.Granted);

        var quiet = await MeasureValidAsync(edge, site.Door, 200);
        using var flooding = new CancellationTokenSource();
        var flooded = 0;
        var floods = Enumerable.Range(0, 4).Select(reader => Task.Run(async () =>
        {
            var i = 0;
            while (!flooding.IsCancellationRequested)
            {
                var response = await edge.TapAsync(site.Doors[1], $"0BAD{reader:X2}{i++:X8}");
                Assert.Equal(DoorDecisionReason.UnknownCard, response.Reason);
                Interlocked.Increment(ref flooded);
            }
        })).ToList();
        await Task.Delay(500);
        var loaded = await MeasureValidAsync(edge, site.Door, 200);
        await flooding.CancelAsync();
        await Task.WhenAll(floods);

        output.WriteLine($"valid taps p50/p99: quiet {quiet.P50:F2}/{quiet.P99:F2} ms, under a flood of {flooded} invalid taps {loaded.P50:F2}/{loaded.P99:F2} ms");
        Assert.True(flooded > 200, $"the flood ran only {flooded} taps");
        // Every decision is fsynced to the journal before it is answered, so the flood shares the
        // disk; valid taps must still be answered within a door controller's patience.
        Assert.True(loaded.P99 < Math.Max(10 * quiet.P99, 100), $"p99 {loaded.P99:F2} ms under flood vs {quiet.P99:F2} ms quiet");
    }

    private static async Task<(double P50, double P99)> MeasureValidAsync(EdgeProcess edge, string door, int taps)
    {
        var samples = new List<double>(taps);
        for (var i = 0; i < taps; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await edge.TapAsync(door, "04CC000001");
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.True(response.Granted, response.Reason.ToString());
        }

        samples.Sort();
        return (samples[taps / 2], samples[(int)(taps * 0.99)]);
    }
}
