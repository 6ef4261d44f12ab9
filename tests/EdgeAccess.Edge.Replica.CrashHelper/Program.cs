using System.Globalization;
using System.Runtime.CompilerServices;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

// Usage:
//   snapshot <dir> <records> <stop-at>   stop-at: chunk | IncomingSynced | LiveClosed | Moved
//   journal <dir> <count>
// Prints "stopped" at the chosen point and then waits to be killed.
var options = new ReplicaOptions { DataDirectory = args[1] };
switch (args[0])
{
    case "snapshot":
        using (var store = ReplicaStore.Open(options, TimeProvider.System))
        {
            var records = int.Parse(args[2], CultureInfo.InvariantCulture);
            var stopAt = args[3];
            // One delta first, so the live replica has uncheckpointed WAL content when the swap starts.
            await store.ApplyChangesAsync([new FeedChange
            {
                Position = store.Position + 1, Kind = RecordKind.Card, EntityId = "c2", Card = new CardRecord { Id = "c2", LastDigits = "updated" },
            }]);
            store.SnapshotPhaseHook = phase => phase.ToString() == stopAt ? StopAsync() : Task.CompletedTask;
            await store.ApplySnapshotAsync(Chunks(records, stopAt == "chunk"), 1_000_000, "site-new");
            Console.WriteLine("finished");
        }

        break;
    case "journal":
        using (var journal = EventJournal.Open(options))
        {
            for (var i = 0; i < int.Parse(args[2], CultureInfo.InvariantCulture); i++)
            {
                var seq = await journal.AppendAsync("access.decision", [(byte)i], DateTimeOffset.UnixEpoch.AddSeconds(i));
                Console.WriteLine($"seq {seq}");
            }

            await StopAsync();
        }

        break;
    default:
        return 2;
}

return 0;

static async Task StopAsync()
{
    Console.WriteLine("stopped");
    await Task.Delay(Timeout.Infinite);
}

static async IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> Chunks(int records, bool stopMidway, [EnumeratorCancellation] CancellationToken cancellationToken = default)
{
    const int ChunkSize = 1_000;
    for (var start = 0; start < records; start += ChunkSize)
    {
        if (stopMidway && start >= records / 2)
        {
            await StopAsync();
        }

        var chunk = new List<ReplicaRecord>(ChunkSize);
        for (var i = start; i < Math.Min(records, start + ChunkSize); i++)
        {
            var id = $"card-{i:D7}";
            chunk.Add(new ReplicaRecord(RecordKind.Card, id, "", new CardRecord { Id = id, LastDigits = "new" }.ToByteArray()));
        }

        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        yield return chunk;
    }
}
