using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Cloud.Tests.Rights;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.Replication;
using Google.Protobuf;
using ReplicaRecord = EdgeAccess.Edge.Replica.ReplicaRecord;
using V1 = EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Feed;

/// <summary>
/// The hub's <see cref="SiteDigest"/> against what an edge node holds after replicating the site
/// through the same path as the sync stream: snapshot or feed entries → <see cref="V1.FeedChange"/>
/// (wire bytes) → <see cref="ReplicaRecord.FromChange"/> / <see cref="ReplicaStore"/>.
/// </summary>
/// <remarks>
/// Runs alone (<see cref="SiteDigestCollection"/>): its rights compiles would otherwise show up in
/// the process-wide span listener of RightsTelemetryTests.
/// </remarks>
[Collection(nameof(SiteDigestCollection))]
public sealed class SiteDigestTests : IAsyncLifetime
{
    private readonly HubServices _services = new();
    private readonly CancellationTokenSource _cancellation = new(TimeSpan.FromMinutes(2));
    private readonly string _edgeDirectory = Path.Combine(Path.GetTempPath(), "edgeaccess-digest-" + Guid.NewGuid().ToString("N"));
    private RightsWorld _world = null!;

    private CancellationToken Token => _cancellation.Token;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        _world = new RightsWorld(_services);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _cancellation.Dispose();
        if (Directory.Exists(_edgeDirectory))
        {
            Directory.Delete(_edgeDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task ComputeAsync_Snapshot_EqualsTheDigestOfTheRecordsAnEdgeStores()
    {
        var (site, _, _) = await CampusAsync("digest");

        var hub = await SiteDigest.ComputeAsync(_services.DataSource, site.Id, Token).WithTimeout();

        var (position, recordCount, records) = await SnapshotAsEdgeRecordsAsync(site.Id);
        var edge = new StateDigest();
        foreach (var record in records)
        {
            edge.Add(record.Kind, record.EntityId, record.DoorId, record.Payload);
        }

        Assert.Equal(position, hub.Position);
        Assert.Equal(recordCount, hub.RecordCount);
        Assert.Contains(records, r => r.Kind == V1.RecordKind.Right);
        Assert.True(edge.Matches(hub.RecordCount, hub.Digest));
    }

    [Fact]
    public async Task ComputeAsync_EdgeReplicaAfterSnapshotAndDeltas_MatchesAtEachPosition()
    {
        var (site, doors, cards) = await CampusAsync("e2e");
        using var store = ReplicaStore.Open(new ReplicaOptions { DataDirectory = _edgeDirectory }, TimeProvider.System);

        // Bootstrap from a snapshot, as the sync stream does.
        var (position, _, records) = await SnapshotAsEdgeRecordsAsync(site.Id);
        await store.ApplySnapshotAsync(Chunks(records), position, site.Id.ToString(), Token).WithTimeout();
        await AssertSameAsync(store, await SiteDigest.ComputeAsync(_services.DataSource, site.Id, Token).WithTimeout());

        // Deltas: block a card (its rights go), rename a door, add two doors and delete one of them.
        await _world.SaveAsync(db => { db.Attach(cards[0]); cards[0].Status = CardStatus.Blocked; });
        await _world.SaveAsync(db => { db.Attach(doors[0]); doors[0].Name = "renamed"; });
        await _world.DoorAsync(site, "annex");
        var closet = await _world.DoorAsync(site, "closet");
        await _world.SaveAsync(db => db.Remove(closet));
        var entries = await FeedTestSite.ReadAllAsync(_services.DataSource, site.Id, position);
        Assert.Contains(entries, e => e.Deleted && e.Kind == RecordKind.Right);
        Assert.Contains(entries, e => e.Deleted && e.Kind == RecordKind.Door);
        await store.ApplyChangesAsync(entries.Select(e => OverTheWire(ToChange(e.Position, e.Kind, e.EntityId, e.DoorId, e.Deleted ? null : e.Payload))).ToList(), Token).WithTimeout();

        await AssertSameAsync(store, await SiteDigest.ComputeAsync(_services.DataSource, site.Id, Token).WithTimeout());
    }

    private static async Task AssertSameAsync(ReplicaStore store, ReplicaDigestResult hub)
    {
        var (position, count, digest) = await store.ComputeDigestAsync(CancellationToken.None).WithTimeout();
        Assert.Equal((hub.Position, hub.RecordCount), (position, count));
        Assert.True(StateDigest.AreEqual(hub.Digest, digest));
    }

    /// <summary>A site with two doors, a schedule, a scheme, three cards (one blocked) and their rights.</summary>
    private async Task<(Site Site, Door[] Doors, Card[] Cards)> CampusAsync(string name)
    {
        var site = await _world.SiteAsync(name);
        Door[] doors = [await _world.DoorAsync(site, "lab", pin: true), await _world.DoorAsync(site, "hall")];
        var always = await _world.ScheduleAsync(site, "always");
        await _world.ScheduleAsync(site, "office", 7 * 60, 19 * 60);
        var staff = await _world.GroupAsync("staff");
        await _world.SchemeAsync(site, staff, always, doors: doors);
        var cards = new List<Card>();
        foreach (var person in new[] { "Ada", "Ben", "Cleo" })
        {
            var holder = await _world.PersonAsync(person);
            cards.Add(await _world.CardAsync(holder, person == "Cleo" ? CardStatus.Lost : CardStatus.Active));
            await _world.MemberAsync(holder, staff);
        }

        return (site, doors, cards.ToArray());
    }

    /// <summary>The snapshot's records as an edge stores them after receiving them as feed changes.</summary>
    private async Task<(long Position, long RecordCount, List<ReplicaRecord> Records)> SnapshotAsEdgeRecordsAsync(Guid siteId)
    {
        await using var snapshot = await SiteSnapshot.OpenAsync(_services.DataSource, siteId, Token).WithTimeout();
        var records = new List<ReplicaRecord>();
        await foreach (var record in snapshot.ReadAsync(Token))
        {
            records.Add(ReplicaRecord.FromChange(OverTheWire(ToChange(snapshot.Position, record.Kind, record.EntityId, record.DoorId, record.Payload))));
        }

        return (snapshot.Position, snapshot.RecordCount, records);
    }

    /// <summary>Serialized and parsed again, as the stream delivers it.</summary>
    private static V1.FeedChange OverTheWire(V1.FeedChange change) => V1.FeedChange.Parser.ParseFrom(change.ToByteArray());

    /// <summary>The hub's sync mapping (EdgeAccess.Cloud's internal SyncMapping), replicated.</summary>
    private static V1.FeedChange ToChange(long position, RecordKind kind, Guid entityId, Guid? doorId, byte[]? payload)
    {
        var change = new V1.FeedChange
        {
            Position = position,
            Kind = (V1.RecordKind)(int)kind,
            EntityId = entityId.ToString(),
            DoorId = doorId?.ToString() ?? "",
            Deleted = payload is null,
        };
        switch (payload is null ? (RecordKind)0 : kind)
        {
            case RecordKind.Site: change.Site = V1.SiteRecord.Parser.ParseFrom(payload); break;
            case RecordKind.Door: change.Door = V1.DoorRecord.Parser.ParseFrom(payload); break;
            case RecordKind.Card: change.Card = V1.CardRecord.Parser.ParseFrom(payload); break;
            case RecordKind.Schedule: change.Schedule = V1.ScheduleRecord.Parser.ParseFrom(payload); break;
            case RecordKind.Right: change.Right = V1.RightRecord.Parser.ParseFrom(payload); break;
            default: break;
        }

        return change;
    }

    private static async IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> Chunks(List<ReplicaRecord> records)
    {
        foreach (var chunk in records.Chunk(2))
        {
            await Task.Yield();
            yield return chunk;
        }
    }
}

/// <summary>Runs <see cref="SiteDigestTests"/> after the parallel tests, not beside them.</summary>
[CollectionDefinition(nameof(SiteDigestCollection), DisableParallelization = true)]
public sealed class SiteDigestCollection;
