using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Journal;

/// <summary>Runs alone: a meter listener sees the journal stores of every hub in the process.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class JournalTelemetryCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "journal telemetry";
}

/// <summary>What operators see of the journal intake: stored and duplicate events by kind.</summary>
[Collection(JournalTelemetryCollection.Name)]
public sealed class JournalTelemetryTests(JournalHub hub) : IClassFixture<JournalHub>
{
    [Fact]
    public async Task Store_NewThenResentEvents_CountedStoredAndDuplicateByKindWithUnknownKindsAsOther()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();
        var measured = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Cloud" && instrument.Name.StartsWith("edgeaccess.journal.events.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var kind = "";
            foreach (var tag in tags)
            {
                kind = tag.Key == "kind" ? (string)tag.Value! : kind;
            }

            measured.AddOrUpdate($"{instrument.Name[26..]} {kind}", value, (_, sum) => sum + value);
        });
        listener.Start();

        await hub.StoreAsync(node, site,
            JournalHub.Decision(1, 1, Guid.NewGuid(), null, true, DoorDecisionReason.Granted),
            JournalHub.Decision(2, 2, Guid.NewGuid(), null, false, DoorDecisionReason.NoRight),
            JournalHub.Other(3, 3, "made.up-kind"));
        await hub.StoreAsync(node, site,
            JournalHub.Decision(2, 2, Guid.NewGuid(), null, false, DoorDecisionReason.NoRight),
            JournalHub.Other(3, 3, "made.up-kind"),
            JournalHub.Other(4, 4, "replica.tampered"));

        Assert.Equal(
            ["duplicate door.decision=1", "duplicate other=1", "stored door.decision=2", "stored other=1", "stored replica.tampered=1"],
            measured.Select(m => $"{m.Key}={m.Value}").Order(StringComparer.Ordinal));
    }
}
