using System.Diagnostics.Metrics;
using System.Text;
using EdgeAccess.Edge.AccessPoint;
using EdgeAccess.Edge.Tests.Infrastructure;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.Tests;

/// <summary>What an answered decision leaves behind: a journal entry, metrics, and logs without the number.</summary>
public sealed class AccessPointJournalTests : IAsyncLifetime
{
    private readonly EdgeNodeHost _node = new();

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task Decisions_Answered_AllJournaledAndNoNumberOrPinLogged()
    {
        var answered = new List<CheckResponse>();
        foreach (var number in new[] { TestSite.EmployeeNumber, TestSite.BlockedNumber, TestSite.UnknownNumber })
        {
            answered.Add(await _node.Client.CheckAsync(AccessPointTests.Tap(TestSite.MainDoor, number)).ResponseAsync.WithTimeout());
        }

        answered.Add(await _node.Client.CheckAsync(AccessPointTests.Tap(TestSite.ServerRoom, TestSite.EmployeeNumber)).ResponseAsync.WithTimeout());
        answered.Add(await _node.Client.EnterPinAsync(new EnterPinRequest { DoorId = TestSite.ServerRoom, Pin = TestSite.EmployeePin }).ResponseAsync.WithTimeout());
        await Assert.ThrowsAsync<Grpc.RpcException>(() =>
            _node.Client.CheckAsync(AccessPointTests.Tap(TestSite.MainDoor, "04A1B2C3D4E5F6ZZ")).ResponseAsync.WithTimeout());
        await _node.StopAsync();

        var entries = (await _node.ReadJournalAsync()).Where(e => e.Kind == DoorDecisions.JournalKind).ToList();
        Assert.Equal(answered.Select(a => a.JournalSeq), entries.Select(e => e.Seq));
        var events = entries.Select(e => DoorDecisionEvent.Parser.ParseFrom(e.Payload)).ToList();
        Assert.Equal(answered.Select(a => a.Reason), events.Select(e => e.Reason));
        Assert.Equal(TestSite.EmployeeCardId, events[0].CardId);
        Assert.Equal("", events[2].CardId);
        Assert.All(entries, e => Assert.DoesNotContain(TestSite.EmployeeNumber, Encoding.Latin1.GetString(e.Payload), StringComparison.OrdinalIgnoreCase));

        var logs = string.Join('\n', _node.Logs.Lines);
        Assert.Contains("[2202]", logs, StringComparison.Ordinal); // decisions were logged (at debug), so the check below means something
        foreach (var secret in new[] { TestSite.EmployeeNumber, "04A1B2C3D4E5F6ZZ", TestSite.BlockedNumber, TestSite.UnknownNumber, TestSite.EmployeePin })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Check_Answered_RecordsDurationAndCountWithReasonTags()
    {
        var measurements = new List<(string Name, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EdgeTelemetry.Name && instrument.Name.StartsWith("edgeaccess.decision", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Add(i, tags));
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => Add(i, tags));
        listener.Start();

        await _node.Client.CheckAsync(AccessPointTests.Tap(TestSite.MainDoor, TestSite.BlockedNumber)).ResponseAsync.WithTimeout();

        lock (measurements)
        {
            var duration = Assert.Single(measurements, m => m.Name == "edgeaccess.decision.duration" && Equals(m.Tags["reason"], "CardBlocked"));
            Assert.Equal(["reason"], duration.Tags.Keys);
            var count = Assert.Single(measurements, m => m.Name == "edgeaccess.decisions" && Equals(m.Tags["reason"], "CardBlocked"));
            Assert.Equal(false, count.Tags["granted"]);
        }

        void Add(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, copy));
            }
        }
    }
}
