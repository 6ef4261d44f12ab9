using System.Globalization;
using System.Text;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using EdgeAccess.SystemTests.Infrastructure;
using Xunit.Abstractions;

namespace EdgeAccess.SystemTests;

/// <summary>
/// <c>kill -9</c> of an edge while it receives and applies a snapshot of a site with tens of
/// thousands of rights: the replica on disk is always whole (the old one or the new one), and the
/// node converges once it runs again.
/// </summary>
public sealed class SnapshotCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int People = 4000;
    private const int Doors = 8;
    private readonly SystemWorld _world = new();

    public Task InitializeAsync() => _world.InitializeAsync();

    public Task DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task An_edge_killed_during_a_snapshot_keeps_a_whole_replica_and_converges()
    {
        var site = await _world.CreateSiteAsync(Doors);
        var card = await _world.AddCardholderAsync(site, "04DD000001");
        var edge = await _world.StartEdgeAsync(site);
        await edge.WaitForAsync(site.Door, "04DD000001", DoorDecisionReason.Granted);
        var before = await TapPositionAsync(edge, site.Door);
        await edge.StopAsync();

        await GrowSiteAsync(site);
        await _world.BlockCardAsync(card);
        // Queued while the node is down: on its next stream it replaces its replica from a snapshot.
        await _world.Nodes.SendCommandAsync(new SendCommandRequest { NodeId = edge.NodeId, Resync = new ForceResync() }, _world.Admin).ResponseAsync.WithTimeout();

        var random = new Random(7);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var seen = edge.Output.Length;
            edge.Start();
            await WaitForAsync(() => edge.Output.Length > seen && edge.Output[seen..].Contains("Receiving a snapshot", StringComparison.Ordinal), edge);
            await Task.Delay(random.Next(0, 400));
            edge.Kill();

            // Whatever the moment, the replica opens and holds a whole state at one position.
            using var store = ReplicaStore.Open(new ReplicaOptions { DataDirectory = edge.DataDirectory }, TimeProvider.System);
            var count = await store.CountAsync();
            output.WriteLine($"attempt {attempt}: killed with the replica at position {store.Position} ({count} records)");
            Assert.True(store.Position >= before, $"position {store.Position} < {before}");
            Assert.False(File.Exists(Path.Combine(edge.DataDirectory, "replica.db.incoming")), "Open must discard an unfinished snapshot");
            if (attempt < 2)
            {
                // Not finished yet: queue another resync so the next start snapshots again.
                await _world.Nodes.SendCommandAsync(new SendCommandRequest { NodeId = edge.NodeId, Resync = new ForceResync() }, _world.Admin).ResponseAsync.WithTimeout();
            }
        }

        edge.Start();
        await edge.WaitForAsync(site.Door, "04DD000001", DoorDecisionReason.CardBlocked, TimeSpan.FromSeconds(90));
        Assert.True((await edge.TapAsync(site.Doors[^1], "04DD" + People.ToString("X6", CultureInfo.InvariantCulture))).Granted);
    }

    private static async Task<long> TapPositionAsync(EdgeProcess edge, string door) => (await edge.TapAsync(door, "04DD000001")).ReplicaPosition;

    /// <summary>4,000 people with cards in a group whose scheme opens all 8 doors: 32,000 rights.</summary>
    private async Task GrowSiteAsync(TestSite site)
    {
        var imports = new ImportService.Client(_world.Hub.Channel);
        var group = await new GroupService.Client(_world.Hub.Channel).CreateGroupAsync(
            new CreateGroupRequest { Group = new Group { Name = $"staff-{Guid.NewGuid():N}" } }, _world.Admin).ResponseAsync.WithTimeout();
        var scheme = new AccessScheme { SiteId = site.Id, GroupId = group.Id, ScheduleId = site.ScheduleId, Name = "staff" };
        scheme.DoorIds.AddRange(site.Doors);
        await _world.Grants.CreateAccessSchemeAsync(new CreateAccessSchemeRequest { Scheme = scheme }, _world.Admin).ResponseAsync.WithTimeout();

        var people = new StringBuilder("external_id,display_name\n");
        var cards = new StringBuilder("person_external_id,number\n");
        var members = new StringBuilder("person_external_id,group_name\n");
        for (var i = 1; i <= People; i++)
        {
            people.Append(CultureInfo.InvariantCulture, $"p{i},Person {i}\n");
            cards.Append(CultureInfo.InvariantCulture, $"p{i},04DD{i:X6}\n");
            members.Append(CultureInfo.InvariantCulture, $"p{i},{group.Name}\n");
        }

        foreach (var (kind, csv) in new[] { (ImportKind.People, people), (ImportKind.Cards, cards), (ImportKind.Memberships, members) })
        {
            var result = await imports.ImportCsvAsync(new ImportCsvRequest { Kind = kind, Csv = csv.ToString() }, _world.Admin).ResponseAsync.WithTimeout(TimeSpan.FromMinutes(3));
            Assert.Equal(0, result.Errors);
        }
    }

    private static Task WaitForAsync(Func<bool> condition, EdgeProcess edge) =>
        Eventually.UntilAsync(condition, () => $"timed out:\n{edge.Tail()}", TimeSpan.FromSeconds(60), pollMs: 5);
}
