using System.Collections.Concurrent;
using System.Text;
using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Feed;

/// <summary>
/// The feed's core promise: a reader tailing "position &gt; cursor" sees every change exactly once,
/// in order, with no gap — also while transactions commit out of the order in which they began.
/// </summary>
public sealed class FeedOrderingTests : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync() =>
        _dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateMigratedDatabaseAsync("feed"));

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task Tail_ConcurrentWritersAndALongTransaction_SeesEveryChangeOnceInOrder()
    {
        var site = await FeedTestSite.CreateAsync(_dataSource);
        const int Writers = 6;
        const int PerWriter = 40;
        var entities = Enumerable.Range(0, Writers).Select(_ => Guid.CreateVersion7()).ToArray();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // The long transaction writes first (so it holds the oldest transaction id), then waits
        // while everyone else commits, and only then appends and commits.
        var longStarted = new TaskCompletionSource();
        var writersDone = new TaskCompletionSource();
        var longEntity = Guid.CreateVersion7();
        var longTransaction = Task.Run(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(stop.Token);
            await using var transaction = await connection.BeginTransactionAsync(stop.Token);
            await using (var write = new NpgsqlCommand("UPDATE sites SET updated_at = now() WHERE id = $1", connection, transaction))
            {
                write.Parameters.Add(new NpgsqlParameter { Value = site });
                await write.ExecuteNonQueryAsync(stop.Token);
            }

            longStarted.SetResult();
            await writersDone.Task.WaitAsync(stop.Token);
            await FeedPublisher.PublishAsync(connection, transaction, [FeedTestSite.Change(site, longEntity, "long:0"), FeedTestSite.Change(site, longEntity, "long:1")], DateTimeOffset.UtcNow, stop.Token);
            await transaction.CommitAsync(stop.Token);
        });
        await longStarted.Task.WithTimeout();

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                await FeedTestSite.PublishAsync(_dataSource, FeedTestSite.Change(site, entities[w], $"{w}:{i}"));
            }
        })).ToList();
        _ = Task.WhenAll(writers).ContinueWith(_ => writersDone.TrySetResult(), TaskScheduler.Default);

        // Tail while the writers run: every page must continue exactly at cursor + 1.
        var seen = new List<(long Position, string Payload, ulong Txid)>();
        var expected = Writers * PerWriter + 2;
        long cursor = 0;
        while (seen.Count < expected)
        {
            stop.Token.ThrowIfCancellationRequested();
            var page = await FeedReader.ReadAsync(_dataSource, site, cursor, 50, stop.Token);
            foreach (var entry in page.Entries)
            {
                Assert.Equal(cursor + 1, entry.Position);
                cursor = entry.Position;
                seen.Add((entry.Position, Encoding.UTF8.GetString(entry.Payload!), entry.Txid));
            }

            if (page.Entries.Count == 0)
            {
                await Task.Delay(5, stop.Token);
            }
        }

        await Task.WhenAll(writers.Append(longTransaction)).WithTimeout();
        Assert.Empty((await FeedReader.ReadAsync(_dataSource, site, cursor, 50, stop.Token)).Entries);

        // Exactly once, and in each writer's own order (per-entity order).
        Assert.Equal(expected, seen.Select(s => s.Payload).Distinct().Count());
        foreach (var group in seen.GroupBy(s => s.Payload.Split(':')[0]))
        {
            var order = group.Select(s => int.Parse(s.Payload.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(order.Order(), order);
        }

        // The long transaction began first but committed last: its entries come last although its
        // transaction id is the smallest — the case where a feed keyed on ids or sequences skips rows.
        var longEntries = seen.Where(s => s.Payload.StartsWith("long:", StringComparison.Ordinal)).ToList();
        Assert.Equal([expected - 1, expected], longEntries.Select(s => s.Position));
        Assert.True(longEntries[0].Txid < seen.Where(s => !s.Payload.StartsWith("long:", StringComparison.Ordinal)).Min(s => s.Txid));
    }

    [Fact]
    public async Task Tail_WhileATransactionHoldsTheHead_NeverSeesALaterPositionFirst()
    {
        var site = await FeedTestSite.CreateAsync(_dataSource);
        var entity = Guid.CreateVersion7();

        // Holder appends position 1 and keeps its transaction open.
        await using var holderConnection = await _dataSource.OpenConnectionAsync();
        await using var holder = await holderConnection.BeginTransactionAsync();
        await FeedPublisher.PublishAsync(holderConnection, holder, [FeedTestSite.Change(site, entity, "first")], DateTimeOffset.UtcNow, CancellationToken.None);

        // A second writer must wait for it rather than commit position 2 ahead of position 1.
        var second = FeedTestSite.PublishAsync(_dataSource, FeedTestSite.Change(site, entity, "second"));
        await Task.Delay(500);
        Assert.False(second.IsCompleted);
        Assert.Empty((await FeedReader.ReadAsync(_dataSource, site, 0, 10, CancellationToken.None)).Entries);

        await holder.CommitAsync();
        await second.WithTimeout();
        var all = await FeedTestSite.ReadAllAsync(_dataSource, site);
        Assert.Equal(["first", "second"], all.Select(e => Encoding.UTF8.GetString(e.Payload!)));
        Assert.Equal([1L, 2L], all.Select(e => e.Position));
    }

    [Fact]
    public async Task Publish_RolledBack_LeavesNoEntryAndNoGap()
    {
        var site = await FeedTestSite.CreateAsync(_dataSource);
        await using (var connection = await _dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await FeedPublisher.PublishAsync(connection, transaction, [FeedTestSite.Change(site, Guid.NewGuid(), "rolled back")], DateTimeOffset.UtcNow, CancellationToken.None);
            await transaction.RollbackAsync();
        }

        await FeedTestSite.PublishAsync(_dataSource, FeedTestSite.Change(site, Guid.NewGuid(), "kept"));

        var all = await FeedTestSite.ReadAllAsync(_dataSource, site);
        Assert.Equal([1L], all.Select(e => e.Position));
        Assert.Equal("kept", Encoding.UTF8.GetString(all[0].Payload!));
    }

    [Fact]
    public async Task Publish_TwoSitesInOppositeOrders_DoesNotDeadlock()
    {
        var a = await FeedTestSite.CreateAsync(_dataSource);
        var b = await FeedTestSite.CreateAsync(_dataSource);
        var errors = new ConcurrentBag<Exception>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            for (var n = 0; n < 20; n++)
            {
                var (first, second) = i % 2 == 0 ? (a, b) : (b, a);
                try
                {
                    await FeedTestSite.PublishAsync(_dataSource, FeedTestSite.Change(first, Guid.NewGuid(), "x"), FeedTestSite.Change(second, Guid.NewGuid(), "y"));
                }
                catch (PostgresException ex)
                {
                    errors.Add(ex);
                }
            }
        }))).WithTimeout();

        Assert.Empty(errors);
        Assert.Equal(160, (await FeedTestSite.ReadAllAsync(_dataSource, a)).Count);
        Assert.Equal(160, (await FeedTestSite.ReadAllAsync(_dataSource, b)).Count);
    }
}
