using EdgeAccess.Edge.Replica.Tests.Infrastructure;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.Replica.Tests;

/// <summary>Writers SIGKILLed at chosen points; the files must reopen whole.</summary>
public sealed class CrashTests : IDisposable
{
    private const int SnapshotRecords = 20_000;
    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(Feed.Start);
    private readonly CancellationTokenSource _cancellation = new(TimeSpan.FromMinutes(2));

    private CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        _cancellation.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("chunk")]
    [InlineData(nameof(SnapshotPhase.IncomingSynced))]
    [InlineData(nameof(SnapshotPhase.LiveClosed))]
    public async Task ApplySnapshot_KilledBeforeSwap_PreviousReplicaIntact(string stopAt)
    {
        await SeedOldReplicaAsync();

        await CrashHelper.RunAndKillAsync("stopped", Token, "snapshot", _dir.Path, SnapshotRecords.ToString(), stopAt).WithTimeout();

        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        Assert.Equal(("site-old", 3L), (store.SiteId, store.Position));
        var records = await Feed.ReadAllAsync(store, Token).WithTimeout();
        Assert.Equal(["c1", "c2"], records.Select(r => r.EntityId));
        Assert.Equal("updated", ((CardRecord)records[1].Parse()).LastDigits);
        Assert.Equal("ok", store.Pragma("integrity_check"));
        Assert.False(File.Exists(store.FilePath + ".incoming"));
        // And it keeps working from where it was.
        Assert.Equal(1, await store.ApplyChangesAsync([Feed.Card(4, "c3", "3")], Token).WithTimeout());
    }

    [Fact]
    public async Task ApplySnapshot_KilledAfterRename_NewReplicaWhole()
    {
        await SeedOldReplicaAsync();

        await CrashHelper.RunAndKillAsync("stopped", Token, "snapshot", _dir.Path, SnapshotRecords.ToString(), nameof(SnapshotPhase.Moved)).WithTimeout();

        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        Assert.Equal(("site-new", 1_000_000L), (store.SiteId, store.Position));
        Assert.Equal(SnapshotRecords, await store.CountAsync(Token).WithTimeout());
        Assert.Equal("ok", store.Pragma("integrity_check"));
        Assert.Equal("wal", store.Pragma("journal_mode"));
    }

    [Fact]
    public async Task ApplySnapshot_Completed_NewReplicaAfterReopen()
    {
        await SeedOldReplicaAsync();

        await CrashHelper.RunAndKillAsync("finished", Token, "snapshot", _dir.Path, SnapshotRecords.ToString(), "never").WithTimeout();

        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        Assert.Equal(("site-new", 1_000_000L), (store.SiteId, store.Position));
        Assert.Equal(SnapshotRecords, await store.CountAsync(Token).WithTimeout());
    }

    [Fact]
    public async Task Append_KilledRightAfterReturn_EntriesSurviveAndSequenceContinues()
    {
        var lines = await CrashHelper.RunAndKillAsync("seq 3", Token, "journal", _dir.Path, "100000").WithTimeout();
        Assert.Equal(["seq 1", "seq 2", "seq 3"], lines);

        using var journal = EventJournal.Open(_dir.Options(journalCapacity: 1_000_000));
        Assert.True(journal.LastSequence >= 3);
        var entries = await journal.ReadUnackedAsync(0, 1_000_000, Token).WithTimeout();
        // Every number handed out (and possibly one whose append was cut short) is there, in order.
        Assert.Equal(Enumerable.Range(1, (int)journal.LastSequence).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal([(byte)2], entries[2].Payload);
        Assert.Equal(journal.LastSequence + 1, await journal.AppendAsync("door.forced", [], Feed.Start, Token).WithTimeout());
    }

    private async Task SeedOldReplicaAsync()
    {
        using var store = ReplicaStore.Open(_dir.Options(), _clock);
        // The helper then applies position 3 (c2 -> "updated"), which sits in its WAL when the
        // swap starts: the checkpoint must fold it in before -wal is deleted.
        await store.ApplySnapshotAsync(Feed.Chunks([Feed.CardRecordOf("c1", "1"), Feed.CardRecordOf("c2", "2")]), 2, "site-old", Token).WithTimeout();
    }
}
