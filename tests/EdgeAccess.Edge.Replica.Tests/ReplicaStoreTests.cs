using EdgeAccess.Edge.Replica.Tests.Infrastructure;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.Replica.Tests;

public sealed class ReplicaStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(Feed.Start);

    private readonly CancellationTokenSource _cancellation = new(TimeSpan.FromMinutes(1));

    private CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        _cancellation.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Open_EmptyDirectory_MigratesWithWalAndNormalSync()
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);

        Assert.Equal(0, store.Position);
        Assert.Equal("", store.SiteId);
        Assert.Null(store.SnapshotAt);
        Assert.Equal(1L, store.Pragma("user_version"));
        Assert.Equal("wal", store.Pragma("journal_mode"));
        Assert.Equal(1L, store.Pragma("synchronous")); // NORMAL
        Assert.Equal(1L, store.Pragma("foreign_keys"));
        Assert.Equal(5000L, store.Pragma("busy_timeout"));
    }

    [Fact]
    public async Task ApplySnapshotThenChanges_ReadAll_ReflectsBothAndSurvivesReopen()
    {
        using (var store = ReplicaStore.Open(_dir.Options(), _clock))
        {
            var count = await store.ApplySnapshotAsync(
                Feed.Chunks([Feed.CardRecordOf("c1", "1111"), Feed.DoorRecordOf("d1")], [Feed.CardRecordOf("c2", "2222")]), 10, "site-a", Token).WithTimeout();
            Assert.Equal(3, count);
            Assert.Equal(Feed.Start, store.SnapshotAt);

            _clock.Now = Feed.Start.AddMinutes(5);
            var applied = await store.ApplyChangesAsync(
                [Feed.Card(11, "c1", "9999"), Feed.Delete(12, RecordKind.Door, "d1"), Feed.Right(13, "c2", "d2")], Token).WithTimeout();
            Assert.Equal(3, applied);
            Assert.Equal(13, store.Position);
            Assert.Equal(Feed.Start.AddMinutes(5), store.LastSyncAt);
        }

        using var reopened = ReplicaStore.Open(_dir.Options(), _clock);
        Assert.Equal(("site-a", 13L), (reopened.SiteId, reopened.Position));
        Assert.Equal(Feed.Start, reopened.SnapshotAt);
        Assert.Equal(Feed.Start.AddMinutes(5), reopened.LastSyncAt);
        var records = await Feed.ReadAllAsync(reopened, Token).WithTimeout();
        Assert.Collection(records,
            c1 => Assert.Equal(("c1", "9999", 11L), (c1.EntityId, ((CardRecord)c1.Parse()).LastDigits, c1.Position)),
            c2 => Assert.Equal(("c2", "2222", 10L), (c2.EntityId, ((CardRecord)c2.Parse()).LastDigits, c2.Position)),
            right => Assert.Equal(("c2", "d2", "always"), (right.EntityId, right.DoorId, ((RightRecord)right.Parse()).Terms[0].ScheduleId)));
    }

    [Fact]
    public async Task ApplyChanges_Gap_RejectedAndNothingApplied()
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        await store.ApplySnapshotAsync(Feed.Chunks([Feed.CardRecordOf("c1", "1111")]), 10, "site-a", Token).WithTimeout();

        var first = await Assert.ThrowsAsync<ReplicaGapException>(() => store.ApplyChangesAsync([Feed.Card(12, "c1", "2")], Token)).WithTimeout();
        var inside = await Assert.ThrowsAsync<ReplicaGapException>(
            () => store.ApplyChangesAsync([Feed.Card(11, "c1", "2"), Feed.Card(13, "c1", "3")], Token)).WithTimeout();

        Assert.Equal((11L, 12L), (first.Expected, first.Actual));
        Assert.Equal((12L, 13L), (inside.Expected, inside.Actual));
        Assert.Equal(10, store.Position);
        var record = Assert.Single(await Feed.ReadAllAsync(store, Token).WithTimeout());
        Assert.Equal("1111", ((CardRecord)record.Parse()).LastDigits);
    }

    [Fact]
    public async Task ApplyChanges_AlreadyApplied_SkippedIdempotently()
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        await store.ApplyChangesAsync([Feed.Card(1, "c1", "1"), Feed.Card(2, "c1", "2")], Token).WithTimeout();

        var again = await store.ApplyChangesAsync([Feed.Card(1, "c1", "1"), Feed.Card(2, "c1", "2")], Token).WithTimeout();
        var overlap = await store.ApplyChangesAsync([Feed.Card(2, "c1", "2"), Feed.Card(3, "c1", "3")], Token).WithTimeout();

        Assert.Equal((0, 1, 3L), (again, overlap, store.Position));
        var record = Assert.Single(await Feed.ReadAllAsync(store, Token).WithTimeout());
        Assert.Equal(("3", 3L), (((CardRecord)record.Parse()).LastDigits, record.Position));
    }

    [Fact]
    public async Task ApplyChanges_ChangeWithoutRecord_Rejected()
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);

        await Assert.ThrowsAsync<InvalidDataException>(
            () => store.ApplyChangesAsync([new FeedChange { Position = 1, Kind = RecordKind.Card, EntityId = "c1" }], Token)).WithTimeout();
        Assert.Equal(0, store.Position);
    }

    [Fact]
    public async Task ApplySnapshot_ReplacesEverythingAndKeepsAcceptingChanges()
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        await store.ApplyChangesAsync([Feed.Card(1, "old", "1"), Feed.Right(2, "old", "d1")], Token).WithTimeout();

        await store.ApplySnapshotAsync(Feed.Chunks([Feed.CardRecordOf("new", "7")]), 50, "site-b", Token).WithTimeout();
        await store.ApplyChangesAsync([Feed.Card(51, "new2", "8")], Token).WithTimeout();

        var records = await Feed.ReadAllAsync(store, Token).WithTimeout();
        Assert.Equal(["new", "new2"], records.Select(r => r.EntityId));
        Assert.Equal(("site-b", 51L), (store.SiteId, store.Position));
        Assert.False(File.Exists(store.FilePath + ".incoming"));
        Assert.Equal("wal", store.Pragma("journal_mode"));
    }

    [Fact]
    public async Task ApplySnapshot_SourceFails_PreviousReplicaIntact()
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        await store.ApplyChangesAsync([Feed.Card(1, "c1", "1")], Token).WithTimeout();

        await Assert.ThrowsAsync<IOException>(() => store.ApplySnapshotAsync(Failing(), 99, "site-b", Token)).WithTimeout();

        Assert.Equal((1L, ""), (store.Position, store.SiteId));
        Assert.Equal(["c1"], (await Feed.ReadAllAsync(store, Token).WithTimeout()).Select(r => r.EntityId));
        Assert.False(File.Exists(store.FilePath + ".incoming"));

        static async IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> Failing()
        {
            await Task.Yield();
            yield return [Feed.CardRecordOf("x", "1")];
            throw new IOException("hub stream broke");
        }
    }

    [Fact]
    public async Task Open_LeftoverIncomingFile_Discarded()
    {
        var options = _dir.Options();
        await File.WriteAllTextAsync(options.ReplicaPath + ".incoming", "half a snapshot", Token).WithTimeout();

        using var store = ReplicaStore.Open(options, _clock);

        Assert.False(File.Exists(options.ReplicaPath + ".incoming"));
        Assert.Equal(0, store.Position);
    }
}
