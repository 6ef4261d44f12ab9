using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Tests.Infrastructure;

namespace EdgeAccess.Cloud.Tests.Rights;

/// <summary>The compile and feed telemetry operators rely on exists, with its tags.</summary>
public sealed class RightsTelemetryTests : IAsyncLifetime
{
    private const string TestSourceName = "EdgeAccess.Cloud.Rights.Tests.Telemetry";

    private readonly HubServices _services = new();
    private RightsWorld _world = null!;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        _world = new RightsWorld(_services);
    }

    public Task DisposeAsync() => _services.DisposeAsync();

    [Fact]
    public async Task Save_ThatChangesRights_RecordsCompileDurationPerSiteSpanAndFeedAppends()
    {
        var site = await _world.SiteAsync("telemetry");
        var door = await _world.DoorAsync(site, "door");
        var schedule = await _world.ScheduleAsync(site, "always");
        var group = await _world.GroupAsync("telemetry-g");
        await _world.SchemeAsync(site, group, schedule, doors: door);
        var person = await _world.PersonAsync("Hal");
        await _world.CardAsync(person);

        var durations = new ConcurrentBag<(double Value, string? Site)>();
        long appended = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Cloud" && instrument.Name is "edgeaccess.rights.compile.duration" or "edgeaccess.feed.appended")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            durations.Add((value, tags.ToArray().FirstOrDefault(t => t.Key == "edgeaccess.site").Value as string)));
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref appended, value));
        listener.Start();
        var spans = new ConcurrentBag<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "EdgeAccess.Cloud" or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(activities);

        // The listener is process-wide and other test classes compile rights meanwhile: only spans
        // in this test's own trace count.
        using var source = new ActivitySource(TestSourceName);
        ActivityTraceId trace;
        using (var root = source.StartActivity("test"))
        {
            trace = root!.TraceId;
            await _world.MemberAsync(person, group);
        }

        Assert.Contains(durations, d => d.Site == site.Id.ToString() && d.Value > 0);
        Assert.True(Interlocked.Read(ref appended) >= 1);
        var mine = spans.Where(s => s.TraceId == trace).ToList();
        var compile = Assert.Single(mine, s => s.OperationName == "rights.compile" && (int?)s.GetTagItem("edgeaccess.rights.changed") == 1);
        Assert.Equal(false, compile.GetTagItem("edgeaccess.rights.full"));
        Assert.Contains(mine, s => s.OperationName == "feed.publish");
    }
}
