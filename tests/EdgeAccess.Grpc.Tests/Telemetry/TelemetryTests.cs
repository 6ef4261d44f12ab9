using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Grpc.Tests.Probes;
using EdgeAccess.Interop.Testing;

namespace EdgeAccess.Grpc.Tests.Telemetry;

/// <summary>
/// Spans and metrics follow the OpenTelemetry RPC conventions; trace context travels from client to
/// server as W3C traceparent metadata. The server runs without any logger provider, so ASP.NET Core
/// creates no request activity of its own and what is asserted is the gRPC layer's own work.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class TelemetryTests : IDisposable
{
    private static readonly ActivitySource TestSource = new("EdgeAccess.Grpc.Tests");

    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Name, Dictionary<string, object?> Tags)> _durations = new();
    private readonly ActivityListener _activityListener;
    private readonly MeterListener _meterListener = new();
    private readonly SemaphoreSlim _recorded = new(0);

    public TelemetryTests()
    {
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "EdgeAccess.Grpc" or "EdgeAccess.Grpc.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                _spans.Enqueue(span);
                _recorded.Release();
            },
        };
        ActivitySource.AddActivityListener(_activityListener);
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Grpc")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meterListener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            _durations.Enqueue((instrument.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            _recorded.Release();
        });
        _meterListener.Start();
    }

    public void Dispose()
    {
        _meterListener.Dispose();
        _activityListener.Dispose();
        _recorded.Dispose();
    }

    [Fact]
    public async Task UnaryCall_Ok_ClientAndServerSpansWithRpcTagsInOneTrace()
    {
        await using var server = await GrpcTestServer.StartAsync(logging: false);
        using var channel = server.CreateChannel();

        await new TestService.Client(channel).UnaryCallAsync(new SimpleRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var client = await SpanAsync(ActivityKind.Client);
        var serverSpan = await SpanAsync(ActivityKind.Server);

        foreach (var span in new[] { client, serverSpan })
        {
            Assert.Equal("grpc.testing.TestService/UnaryCall", span.DisplayName);
            Assert.Equal("grpc", span.GetTagItem("rpc.system"));
            Assert.Equal("grpc.testing.TestService", span.GetTagItem("rpc.service"));
            Assert.Equal("UnaryCall", span.GetTagItem("rpc.method"));
            Assert.Equal(0, span.GetTagItem("rpc.grpc.status_code"));
        }

        Assert.Equal(client.TraceId, serverSpan.TraceId);
        Assert.Equal(client.SpanId, serverSpan.ParentSpanId);
    }

    [Fact]
    public async Task UnaryCall_Ok_DurationsRecordedWithRpcTags()
    {
        await using var server = await GrpcTestServer.StartAsync(logging: false);
        using var channel = server.CreateChannel();

        await new TestService.Client(channel).UnaryCallAsync(new SimpleRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        // The server records its duration after it has sent the status: wait for it.
        await WaitUntilAsync(() => _durations.Count >= 2);

        foreach (var name in new[] { "rpc.server.duration", "rpc.client.duration" })
        {
            var tags = Assert.Single(_durations, d => d.Name == name).Tags;
            Assert.Equal("grpc", tags["rpc.system"]);
            Assert.Equal("grpc.testing.TestService", tags["rpc.service"]);
            Assert.Equal("UnaryCall", tags["rpc.method"]);
            Assert.Equal(0, tags["rpc.grpc.status_code"]);
        }
    }

    [Fact]
    public async Task Fail_HandlerThrows_NonZeroStatusOnSpansAndDurations()
    {
        await using var server = await GrpcTestServer.StartAsync(logging: false);
        using var channel = server.CreateChannel();

        await Assert.ThrowsAsync<RpcException>(() => new ProbeService.Client(channel).FailAsync(new ProbeRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call));
        var client = await SpanAsync(ActivityKind.Client);
        var serverSpan = await SpanAsync(ActivityKind.Server);

        Assert.Equal((int)StatusCode.Internal, client.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal((int)StatusCode.Internal, serverSpan.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, client.Status);
        await WaitUntilAsync(() => _durations.Count >= 2);
        Assert.All(_durations, d => Assert.Equal((int)StatusCode.Internal, d.Tags["rpc.grpc.status_code"]));
        Assert.Equal(2, _durations.Count);
    }

    // The client span is Activity.Current only for the call: the caller's context must get its own
    // activity back, or the caller's next call becomes a child of a finished span.
    [Fact]
    public async Task UnaryCall_TwoSequentialCalls_BothChildrenOfCallersActivity()
    {
        await using var server = await GrpcTestServer.StartAsync(logging: false);
        using var channel = server.CreateChannel();
        var client = new TestService.Client(channel);
        using var root = TestSource.StartActivity("root")!;

        await client.UnaryCallAsync(new SimpleRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        await client.UnaryCallAsync(new SimpleRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Same(root, Activity.Current);
        var clientSpans = _spans.Where(s => s.Kind == ActivityKind.Client).ToList();
        Assert.Equal(2, clientSpans.Count);
        Assert.All(clientSpans, span => Assert.Equal(root.SpanId, span.ParentSpanId));
    }

    // A span or measurement is recorded when its side has sent or received the status; the other
    // side may still be finishing, so wait (bounded) for the next recording until it is there.
    private async Task<Activity> SpanAsync(ActivityKind kind)
    {
        await WaitUntilAsync(() => _spans.Any(s => s.Kind == kind));
        return Assert.Single(_spans, s => s.Kind == kind);
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            Assert.True(await _recorded.WaitAsync(TestTimeouts.Call), "nothing more was recorded");
        }
    }
}
