using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Journal;

/// <summary>What operators see of lab events: maintenance by state and warnings by outcome (alone: a meter listener sees every hub).</summary>
[Collection(JournalTelemetryCollection.Name)]
public sealed class LabJournalTelemetryTests(JournalHub hub) : IClassFixture<JournalHub>
{
    [Fact]
    public async Task Store_LabEvents_MaintenanceCountedByStateAndWarningsByOutcome()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();
        var resource = await new BookingService.Client(hub.Host.Channel).CreateResourceAsync(new CreateResourceRequest
        {
            Resource = new BookableResource { SiteId = site.ToString(), Name = "tele-" + Guid.NewGuid().ToString("N")[..6], Kind = ResourceKind.Device, NodeId = node },
        }, hub.Admin).ResponseAsync.WithTimeout();
        var measured = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Cloud" && instrument.Name is "edgeaccess.lab.maintenance" or "edgeaccess.lab.warnings")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var tag = "";
            foreach (var t in tags)
            {
                tag = $"{t.Key}={t.Value}";
            }

            measured.AddOrUpdate($"{instrument.Name} {tag}", value, (_, sum) => sum + value);
        });
        listener.Start();
        var now = hub.Clock.GetUtcNow();

        await hub.StoreAsync(node, site,
            LabJournalTests.Maintenance(1, now.AddSeconds(-20), resource.Id, true, "revoke failed"),
            LabJournalTests.Maintenance(2, now.AddSeconds(-10), resource.Id, false, ""),
            LabJournalTests.Maintenance(3, now.AddSeconds(-5), Guid.NewGuid().ToString(), true, "unknown resource"),
            LabJournalTests.Warning(4, now.AddMinutes(-5), resource.Id, Guid.NewGuid().ToString(), now),
            LabJournalTests.Warning(5, now, resource.Id, "", now.AddMinutes(1)));
        // Re-sent: stored already, so no reaction and nothing counted.
        await hub.StoreAsync(node, site, LabJournalTests.Maintenance(1, now.AddSeconds(-20), resource.Id, true, "revoke failed"));

        Assert.Equal(
            [
                "edgeaccess.lab.maintenance state=cleared=1", "edgeaccess.lab.maintenance state=entered=1", "edgeaccess.lab.maintenance state=ignored=1",
                "edgeaccess.lab.warnings outcome=stale=1", "edgeaccess.lab.warnings outcome=unlinked=1",
            ],
            measured.Select(m => $"{m.Key}={m.Value}").Order(StringComparer.Ordinal));
    }
}
