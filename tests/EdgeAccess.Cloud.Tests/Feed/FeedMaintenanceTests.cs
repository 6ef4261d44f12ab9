using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Feed;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Feed;

/// <summary>The hub's feed gauges and retention-based compaction, in the running host.</summary>
public sealed class FeedMaintenanceTests : IAsyncLifetime
{
    private readonly HubHost _hub = new(new Dictionary<string, string?> { ["EdgeAccess:Feed:Retention"] = "00:01:00" });

    public Task InitializeAsync() => _hub.InitializeAsync();

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public async Task Gauges_AfterChanges_ReportFeedLengthHeadAndOldestPositionPerSite()
    {
        var site = await CreateSiteWithDoorsAsync(3);
        var maintenance = _hub.App.Services.GetRequiredService<FeedMaintenanceService>();
        await maintenance.RefreshStatisticsAsync(CancellationToken.None).WithTimeout();

        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Cloud" && instrument.Name.StartsWith("edgeaccess.feed.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "edgeaccess.site" && (string?)t.Value == site.ToString()))
            {
                values[instrument.Name] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        // The site record and three door records: four entries, none compacted yet.
        Assert.Equal(4, values["edgeaccess.feed.head"]);
        Assert.Equal(4, values["edgeaccess.feed.length"]);
        Assert.Equal(1, values["edgeaccess.feed.oldest_position"]);
    }

    [Fact]
    public async Task Compact_EntriesOlderThanTheRetention_RemovesThemAndKeepsTheState()
    {
        var site = await CreateSiteWithDoorsAsync(2);
        await using (var scope = _hub.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.FeedEntries.Where(e => e.SiteId == site).ExecuteUpdateAsync(u => u.SetProperty(e => e.CommittedAt, DateTimeOffset.UtcNow.AddHours(-1)));
        }

        var maintenance = _hub.App.Services.GetRequiredService<FeedMaintenanceService>();
        await maintenance.RefreshStatisticsAsync(CancellationToken.None).WithTimeout();
        var removed = await maintenance.CompactAsync(CancellationToken.None).WithTimeout();

        Assert.True(removed >= 3);
        await using var check = _hub.CreateScope();
        var stored = check.ServiceProvider.GetRequiredService<HubDbContext>();
        Assert.Equal(0, await stored.FeedEntries.CountAsync(e => e.SiteId == site));
        Assert.Equal(3, await stored.ReplicaRecords.CountAsync(r => r.SiteId == site));
        Assert.Equal(3, (await stored.FeedHeads.SingleAsync(h => h.SiteId == site)).Horizon);
    }

    private async Task<Guid> CreateSiteWithDoorsAsync(int doors)
    {
        await using var scope = _hub.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var site = new Site { Id = Guid.CreateVersion7(), Name = "feed-" + Guid.NewGuid().ToString("N")[..8], TimeZone = "Europe/Berlin" };
        db.Sites.Add(site);
        for (var i = 0; i < doors; i++)
        {
            db.Doors.Add(new Door { Id = Guid.CreateVersion7(), SiteId = site.Id, Name = $"d{i}" });
        }

        await scope.ServiceProvider.GetRequiredService<HubChanges>().SaveAsync(db, ChangeActor.System, CancellationToken.None).WithTimeout();
        return site.Id;
    }
}
