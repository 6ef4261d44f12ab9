using System.Text;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Data.Feed;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Feed;

/// <summary>A site with a feed head in a fresh database, and helpers to append test changes.</summary>
internal static class FeedTestSite
{
    public static async Task<Guid> CreateAsync(NpgsqlDataSource dataSource)
    {
        var site = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO sites (id, name, time_zone, created_at, updated_at) VALUES ($1, $2, 'Europe/Berlin', now(), now())", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = site });
            insert.Parameters.Add(new NpgsqlParameter { Value = "site-" + site });
            await insert.ExecuteNonQueryAsync();
        }

        await FeedPublisher.CreateHeadAsync(connection, transaction, site, DateTimeOffset.UtcNow, CancellationToken.None);
        await transaction.CommitAsync();
        return site;
    }

    /// <summary>A schedule-kind record change whose payload is the given text.</summary>
    public static ReplicaChange Change(Guid site, Guid entity, string payload) =>
        new(site, RecordKind.Schedule, entity, null, Encoding.UTF8.GetBytes(payload));

    public static async Task PublishAsync(NpgsqlDataSource dataSource, params ReplicaChange[] changes)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await FeedPublisher.PublishAsync(connection, transaction, changes, DateTimeOffset.UtcNow, CancellationToken.None);
        await transaction.CommitAsync();
    }

    /// <summary>Reads the whole feed from <paramref name="after"/> to the head.</summary>
    public static async Task<List<FeedEntry>> ReadAllAsync(NpgsqlDataSource dataSource, Guid site, long after = 0)
    {
        var all = new List<FeedEntry>();
        while (true)
        {
            var page = await FeedReader.ReadAsync(dataSource, site, after, 500, CancellationToken.None);
            Assert.False(page.SnapshotRequired);
            all.AddRange(page.Entries);
            if (page.Entries.Count == 0)
            {
                return all;
            }

            after = page.Entries[^1].Position;
        }
    }
}
