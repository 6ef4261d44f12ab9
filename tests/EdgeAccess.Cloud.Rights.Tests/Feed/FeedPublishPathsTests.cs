using System.Text;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Feed;

/// <summary>
/// A publish goes the direct way (array parameters, one round trip) when it is small and the staged
/// way (COPY into a temporary table) when it is large; both must leave the same feed and state.
/// </summary>
public sealed class FeedPublishPathsTests
{
    private static readonly Guid SiteA = Guid.Parse("0199a000-0000-7000-8000-00000000000a");
    private static readonly Guid SiteB = Guid.Parse("0199a000-0000-7000-8000-00000000000b");
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task Publish_DirectAndStaged_SameFeedStateAndHeads()
    {
        var direct = await RunAsync(direct: true);
        var staged = await RunAsync(direct: false);

        Assert.Equal(staged, direct);
        Assert.Contains("feed_heads " + SiteA + " 10", direct, StringComparison.Ordinal);
        Assert.Contains("feed_heads " + SiteB + " 4", direct, StringComparison.Ordinal);

        // Each commit wakes the hub instances tailing the sites with "site-id:head", in site order.
        Assert.Contains($"notify {SiteA}:6 {SiteB}:2 {SiteA}:10 {SiteB}:4", direct, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_DirectToASiteWithoutHead_Throws()
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateMigratedDatabaseAsync("feedpath"));
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => FeedPublisher.PublishAsync(
            connection, transaction, [Record(Guid.CreateVersion7(), Id(1), "x")], Now, direct: true, CancellationToken.None).WithTimeout());
    }

    /// <summary>Two publishes on sites A and B in a fresh database; the stored result as text.</summary>
    private static async Task<string> RunAsync(bool direct)
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateMigratedDatabaseAsync("feedpath"));
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            foreach (var site in new[] { SiteB, SiteA })
            {
                await using var insert = new NpgsqlCommand("INSERT INTO sites (id, name, time_zone, created_at, updated_at) VALUES ($1, $2, 'UTC', $3, $3)", connection, transaction);
                insert.Parameters.Add(new NpgsqlParameter { Value = site });
                insert.Parameters.Add(new NpgsqlParameter { Value = "site-" + site });
                insert.Parameters.Add(new NpgsqlParameter { Value = Now });
                await insert.ExecuteNonQueryAsync();
                await FeedPublisher.CreateHeadAsync(connection, transaction, site, Now, CancellationToken.None);
            }

            await transaction.CommitAsync();
        }

        await using var listener = await dataSource.OpenConnectionAsync();
        var notified = new List<string>();
        listener.Notification += (_, e) => notified.Add(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {FeedPublisher.NotifyChannel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        // First: B before A in the list, rights and records, a record written twice (the state keeps
        // the last), a right written then deleted, a right of site B for the same card.
        await PublishAsync(dataSource, direct,
        [
            Record(SiteB, Id(1), "b1"),
            Right(SiteA, Id(10), Id(20), Id(30), "r1"),
            Record(SiteA, Id(2), "a2"),
            Record(SiteA, Id(2), "a2 again"),
            Right(SiteA, Id(11), Id(20), Id(31), "r2"),
            Right(SiteA, Id(11), Id(20), Id(31), null),
            Right(SiteB, Id(10), Id(21), Id(30), "r3"),
            Record(SiteA, Id(3), "a3"),
        ]);

        // Second: deletes of stored rows, a deleted right written again, a record deleted then rewritten.
        await PublishAsync(dataSource, direct,
        [
            Record(SiteA, Id(3), null),
            Right(SiteA, Id(10), Id(20), Id(30), null),
            Right(SiteA, Id(11), Id(20), Id(31), "r2 back"),
            Record(SiteB, Id(1), null),
            Record(SiteB, Id(1), "b1 back"),
            Record(SiteA, Id(2), "a2 third"),
        ]);

        while (notified.Count < 4)
        {
            Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10)), "a feed notification is missing");
        }

        return await DumpAsync(dataSource) + "notify " + string.Join(' ', notified);
    }

    private static async Task PublishAsync(NpgsqlDataSource dataSource, bool direct, ReplicaChange[] changes)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var ranges = await FeedPublisher.PublishAsync(connection, transaction, changes, Now, direct, CancellationToken.None).WithTimeout();
        Assert.Equal(changes.GroupBy(c => c.SiteId).Select(g => (g.Key, (long)g.Count())).OrderBy(r => r.Key), ranges.Select(r => (r.SiteId, r.Count)));
        await transaction.CommitAsync();
    }

    private static async Task<string> DumpAsync(NpgsqlDataSource dataSource)
    {
        var text = new StringBuilder();
        foreach (var sql in new[]
        {
            "SELECT 'feed_heads', site_id, head FROM feed_heads ORDER BY 2",
            "SELECT 'feed_entries', site_id, position, kind, entity_id, door_id, deleted, encode(payload, 'escape'), committed_at FROM feed_entries ORDER BY 2, 3",
            "SELECT 'effective_rights', site_id, card_id, door_id, person_id, encode(terms, 'escape'), position FROM effective_rights ORDER BY 3, 4",
            "SELECT 'replica_records', site_id, kind, entity_id, encode(payload, 'escape'), position FROM replica_records ORDER BY 2, 3, 4",
        })
        {
            await using var command = dataSource.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine(string.Join(' ', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            }
        }

        return text.ToString();
    }

    private static Guid Id(int n) => Guid.Parse($"0199a000-0000-7000-8000-{n:D12}");

    private static ReplicaChange Record(Guid site, Guid entity, string? payload) =>
        new(site, RecordKind.Schedule, entity, null, payload is null ? null : Encoding.UTF8.GetBytes(payload));

    private static ReplicaChange Right(Guid site, Guid card, Guid door, Guid person, string? terms) =>
        new(site, RecordKind.Right, card, door, terms is null ? null : Encoding.UTF8.GetBytes(terms), person);
}
