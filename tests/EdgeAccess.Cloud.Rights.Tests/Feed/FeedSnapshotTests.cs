using System.Text;
using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Feed;

public sealed class FeedSnapshotTests : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync() =>
        _dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateMigratedDatabaseAsync("snap"));

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task Snapshot_ThenTailFromItsPosition_RebuildsTheStateDespiteConcurrentWrites()
    {
        var site = await FeedTestSite.CreateAsync(_dataSource);
        var entities = Enumerable.Range(0, 20).Select(_ => Guid.CreateVersion7()).ToArray();
        foreach (var entity in entities)
        {
            await FeedTestSite.PublishAsync(_dataSource, FeedTestSite.Change(site, entity, "v1"));
        }

        // Open the snapshot, then change and delete things before reading it.
        await using var snapshot = await SiteSnapshot.OpenAsync(_dataSource, site, CancellationToken.None);
        Assert.Equal(20, snapshot.Position);
        await FeedTestSite.PublishAsync(_dataSource, FeedTestSite.Change(site, entities[0], "v2"));
        await FeedTestSite.PublishAsync(_dataSource, new ReplicaChange(site, Data.Entities.RecordKind.Schedule, entities[1], null, null));

        var state = new Dictionary<Guid, string>();
        await foreach (var record in snapshot.ReadAsync(CancellationToken.None))
        {
            state[record.EntityId] = Encoding.UTF8.GetString(record.Payload);
        }

        Assert.Equal("v1", state[entities[0]]);
        Assert.Equal(20, state.Count);
        foreach (var entry in await FeedTestSite.ReadAllAsync(_dataSource, site, snapshot.Position))
        {
            if (entry.Deleted)
            {
                state.Remove(entry.EntityId);
            }
            else
            {
                state[entry.EntityId] = Encoding.UTF8.GetString(entry.Payload!);
            }
        }

        Assert.Equal("v2", state[entities[0]]);
        Assert.False(state.ContainsKey(entities[1]));
        Assert.Equal(19, state.Count);
    }

    [Fact]
    public async Task Read_CursorBehindTheCompactionHorizon_SaysSnapshotRequired()
    {
        var site = await FeedTestSite.CreateAsync(_dataSource);
        for (var i = 0; i < 10; i++)
        {
            await FeedTestSite.PublishAsync(_dataSource, FeedTestSite.Change(site, Guid.NewGuid(), $"e{i}"));
        }

        Assert.Equal(6, await FeedCompactor.CompactAsync(_dataSource, site, 6, CancellationToken.None));

        var behind = await FeedReader.ReadAsync(_dataSource, site, 3, 100, CancellationToken.None);
        var atHorizon = await FeedReader.ReadAsync(_dataSource, site, 6, 100, CancellationToken.None);
        Assert.True(behind.SnapshotRequired);
        Assert.Empty(behind.Entries);
        Assert.Equal(6, behind.Horizon);
        Assert.False(atHorizon.SnapshotRequired);
        Assert.Equal([7L, 8L, 9L, 10L], atHorizon.Entries.Select(e => e.Position));

        // The horizon never moves back and never passes the head.
        Assert.Equal(0, await FeedCompactor.CompactAsync(_dataSource, site, 2, CancellationToken.None));
        await FeedCompactor.CompactAsync(_dataSource, site, 1_000, CancellationToken.None);
        Assert.Equal(10, (await FeedReader.ReadAsync(_dataSource, site, 10, 100, CancellationToken.None)).Horizon);
    }

    [Fact]
    public async Task Notifier_AppendThroughAnotherHubInstance_WakesTheWaiterPromptly()
    {
        var site = await FeedTestSite.CreateAsync(_dataSource);
        var connectionString = _dataSource.ConnectionString;
        await using var otherHub = NpgsqlDataSource.Create(connectionString);
        var notifier = new FeedNotifier(_dataSource, NullLogger<FeedNotifier>.Instance);
        await notifier.StartAsync(CancellationToken.None);
        try
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!notifier.Listening && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }

            Assert.True(notifier.Listening);
            var waiting = notifier.WaitAsync(site, 0, TimeSpan.FromSeconds(20), CancellationToken.None);
            var started = System.Diagnostics.Stopwatch.StartNew();
            await FeedTestSite.PublishAsync(otherHub, FeedTestSite.Change(site, Guid.NewGuid(), "wake"));
            await waiting.WithTimeout();

            Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"woke after {started.Elapsed}");
            await notifier.WaitAsync(site, 0, TimeSpan.FromSeconds(20), CancellationToken.None).WithTimeout(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await notifier.StopAsync(CancellationToken.None);
        }
    }
}
