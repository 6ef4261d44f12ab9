using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using EdgeAccess.Edge.LabPolicy.Grants;
using Microsoft.Extensions.Logging.Abstractions;
using static EdgeAccess.Edge.LabPolicy.Tests.Grants.GrantTestKit;

namespace EdgeAccess.Edge.LabPolicy.Tests.Grants;

/// <summary>What operations see: commands run and failed by kind, resources in maintenance, a span per pass that did work.</summary>
public sealed class GrantTelemetryTests : IDisposable
{
    private const string Node = "lab-telemetry";
    private const string Ada = "a0000000-0000-4000-8000-000000000001";

    private readonly GrantTestKit _kit = new();

    [Fact]
    public async Task Reconcile_CommandsAndMaintenance_AreMeasuredAndTraced()
    {
        using var meters = new OwnMeterFactory();
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string Command, string? Error)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (meters.Owns(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var all = tags.ToArray();
            measurements.Enqueue((instrument.Name, value, (string)all.First(t => t.Key == "edgeaccess.command").Value!,
                all.FirstOrDefault(t => t.Key == "error.type").Value as string));
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measurements.Enqueue((instrument.Name, value, "", null)));
        listener.Start();
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "EdgeAccess.Edge",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == GrantTelemetry.ReconcileActivity && (string?)a.GetTagItem("edgeaccess.node_id") == Node)
                {
                    spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(activities);

        using var reconciler = new GrantReconciler(_kit.Settings(maxFailures: 1) with { NodeId = Node }, () => _kit.Journal, _kit.Clock,
            NullLogger<GrantReconciler>.Instance, meters);
        var inputs = new GrantInputs([Resource(node: Node)], [Booking(Ada, T0, TimeSpan.FromHours(1))], [Account("ada", 1001, Ada, node: Node)]);
        await PassAsync(reconciler, inputs);
        _kit.Clock.Advance(TimeSpan.FromSeconds(5));
        await PassAsync(reconciler, inputs); // nothing to do: no span
        _kit.Failing("revoke");
        _kit.Clock.Set(T0.AddHours(1));
        await PassAsync(reconciler, inputs);
        listener.RecordObservableInstruments();

        Assert.Contains(measurements, m => m is { Instrument: GrantTelemetry.CommandsRun, Command: "grant", Value: 1 });
        Assert.Contains(measurements, m => m is { Instrument: GrantTelemetry.CommandsRun, Command: "revoke", Value: 1 });
        Assert.Contains(measurements, m => m is { Instrument: GrantTelemetry.CommandsFailed, Command: "revoke", Error: "exit_code" });
        Assert.DoesNotContain(measurements, m => m is { Instrument: GrantTelemetry.CommandsFailed, Command: "grant" });
        Assert.Contains(measurements, m => m is { Instrument: GrantTelemetry.ResourcesInMaintenance, Value: 1 });
        Assert.Equal(2, spans.Count);
        Assert.Equal(1, spans.First().GetTagItem("edgeaccess.lab.granted"));
        Assert.Equal(ActivityStatusCode.Error, spans.Last().Status);
    }

    public void Dispose() => _kit.Dispose();

    private sealed class OwnMeterFactory : IMeterFactory
    {
        private readonly ConcurrentBag<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public bool Owns(Meter meter) => _meters.Contains(meter);

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
