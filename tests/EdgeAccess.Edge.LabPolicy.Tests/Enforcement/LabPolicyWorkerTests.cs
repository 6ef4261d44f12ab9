using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeAccess.Edge.LabPolicy.Tests.Processes;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static EdgeAccess.Edge.LabPolicy.Tests.Enforcement.PolicyRecords;

namespace EdgeAccess.Edge.LabPolicy.Tests.Enforcement;

/// <summary>The lab-process policy inside the real edge node: replica records in, journal, metrics and spans out.</summary>
[Collection(RealProcesses.Name)]
public sealed class LabPolicyWorkerTests : IDisposable
{
    private const string SiteId = "5e5e5e5e-0000-4000-8000-0000000000aa";
    private readonly TestPrograms _programs = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "edgeaccess-lab-node-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _resourceId = "res-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Node_UnbookedProgram_IsTerminatedFromTheReplicaAndJournaled()
    {
        var program = _programs.Sleep("node-ctl");
        await SeedAsync(Resource(_resourceId, [program], grace: 1, interval: 1), Account(TestPrograms.UserA, "ada", "person-ada"));
        var terminations = new ConcurrentQueue<(long Value, object? Resource, object? Killed)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EdgeTelemetry.Name && instrument.Name == "edgeaccess.lab.terminations")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var map = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            terminations.Enqueue((value, map.GetValueOrDefault("resource"), map.GetValueOrDefault("killed")));
        });
        meters.Start();
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EdgeTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);

        var app = Build();
        using var process = _programs.Start(TestPrograms.UserA, program, "600");
        var info = await TestPrograms.WaitForExecAsync(process.Id, program);
        try
        {
            await app.StartAsync().WithTimeout(TimeSpan.FromSeconds(60));
            Assert.True(await TestPrograms.EventuallyAsync(() => !TestPrograms.IsAlive(info.Identity), TimeSpan.FromSeconds(20)));
            Assert.True(await TestPrograms.EventuallyAsync(() => terminations.Any(t => Equals(t.Resource, _resourceId)), TimeSpan.FromSeconds(5)));
        }
        finally
        {
            await app.StopAsync().WithTimeout();
            await app.DisposeAsync();
        }

        using var journal = EventJournal.Open(new ReplicaOptions { DataDirectory = _data });
        var events = (await journal.ReadUnackedAsync(0, 1000).WithTimeout()).Where(e => e.Kind.StartsWith("lab.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["lab.warning", "lab.terminated"], events.Select(e => e.Kind));
        var terminated = LabProcessEvent.Parser.ParseFrom(events[1].Payload);
        Assert.Equal(_resourceId, terminated.ResourceId);
        Assert.Equal("person-ada", terminated.PersonId);
        Assert.Equal([process.Id], terminated.TerminatedPids);
        Assert.Equal((1L, false), terminations.Where(t => Equals(t.Resource, _resourceId)).Select(t => (t.Value, (bool)t.Killed!)).Single());
        Assert.Contains(spans, s => s.OperationName == "lab.policy.tick" && s.GetTagItem("edgeaccess.lab.terminations") is 1);
        Assert.True(File.Exists(Path.Combine(_data, "lab-policy.state.json")));
    }

    [Fact]
    public async Task Node_RelativeWarnCommand_FailsAtStart()
    {
        var app = Build("--EdgeAccess:LabPolicy:LocalWarnCommand:0=notify-send");
        try
        {
            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WithTimeout(TimeSpan.FromSeconds(60)));
            Assert.Contains("LocalWarnCommand", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _programs.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private WebApplication Build(params string[] extra)
    {
        string[] args =
        [
            $"--EdgeAccess:Edge:NodeId={NodeId}",
            $"--EdgeAccess:Edge:HubAddress=http://127.0.0.1:{FreePort()}",
            $"--EdgeAccess:Edge:CardHashKey={Convert.ToBase64String(new byte[32])}",
            $"--EdgeAccess:Edge:DataDirectory={_data}",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={FreePort()}",
            $"--EdgeAccess:Endpoints:WebPort={FreePort()}",
            "--EdgeAccess:LabPolicy:Accounts:Report=false",
            "--EdgeAccess:LabPolicy:TerminateWait=00:00:01",
            "--EdgeAccess:LabPolicy:WriteToTerminals=false",
            .. extra,
        ];
        return EdgeHost.Build(args, builder => builder.Logging.ClearProviders());
    }

    private async Task SeedAsync(ResourceRecord resource, NodeAccountRecord account)
    {
        ReplicaRecord[] records =
        [
            new(RecordKind.Site, SiteId, "", new SiteRecord { Id = SiteId, Name = "Lab", TimeZone = "Europe/Berlin" }.ToByteArray()),
            new(RecordKind.Resource, resource.Id, "", resource.ToByteArray()),
            new(RecordKind.NodeAccount, account.Id, "", account.ToByteArray()),
        ];
        using var store = ReplicaStore.Open(new ReplicaOptions { DataDirectory = _data }, TimeProvider.System);
        await store.ApplySnapshotAsync(Once(records), 10, SiteId).WithTimeout();
    }

    private static async IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> Once(IReadOnlyList<ReplicaRecord> records)
    {
        await Task.Yield();
        yield return records;
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
