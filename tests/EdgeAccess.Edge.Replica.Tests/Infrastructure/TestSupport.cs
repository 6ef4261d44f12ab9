using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Edge.Replica.Tests.Infrastructure;

/// <summary>Every await in a test is bounded.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static Task<T> WithTimeout<T>(this Task<T> task) => task.WaitAsync(Default);

    public static Task WithTimeout(this Task task) => task.WaitAsync(Default);
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A fresh directory under the temp path, removed at dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edgeaccess-replica-" + Guid.NewGuid().ToString("N"))).FullName;

    public ReplicaOptions Options(int journalCapacity = 1_000, int retainAcknowledged = 0) =>
        new() { DataDirectory = Path, JournalCapacity = journalCapacity, JournalRetainAcknowledged = retainAcknowledged };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A killed helper may still hold a handle for a moment; the temp dir is disposable.
        }
    }
}

/// <summary>Builders of records and feed changes.</summary>
internal static class Feed
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static ReplicaRecord CardRecordOf(string id, string digits) =>
        new(RecordKind.Card, id, "", new CardRecord { Id = id, LastDigits = digits }.ToByteArray());

    public static ReplicaRecord DoorRecordOf(string id) =>
        new(RecordKind.Door, id, "", new DoorRecord { Id = id, Name = id }.ToByteArray());

    public static FeedChange Card(long position, string id, string digits) =>
        new() { Position = position, Kind = RecordKind.Card, EntityId = id, Card = new CardRecord { Id = id, LastDigits = digits } };

    public static FeedChange Right(long position, string cardId, string doorId) => new()
    {
        Position = position, Kind = RecordKind.Right, EntityId = cardId, DoorId = doorId,
        Right = new RightRecord { CardId = cardId, DoorId = doorId, Terms = { new RightTerm { ScheduleId = "always" } } },
    };

    public static FeedChange Delete(long position, RecordKind kind, string id, string doorId = "") =>
        new() { Position = position, Kind = kind, EntityId = id, DoorId = doorId, Deleted = true };

    public static async IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> Chunks(params ReplicaRecord[][] chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return chunk;
        }
    }

    public static async Task<List<ReplicaRecord>> ReadAllAsync(ReplicaStore store, CancellationToken cancellationToken)
    {
        var records = new List<ReplicaRecord>();
        await foreach (var record in store.ReadAllAsync(cancellationToken))
        {
            records.Add(record);
        }

        return records;
    }
}
