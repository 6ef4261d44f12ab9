using System.Diagnostics;
using System.Globalization;
using EdgeAccess.Bench.Edge.Hub;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Bench.Edge.Bootstrap;

/// <summary>
/// Scenario 3: a site whose snapshot holds ≥ 1M records (COPYed straight into the hub's state
/// tables), one edge enrolling and syncing it: stream open → snapshot applied → index published.
/// The split comes from the edge's own log events, and from running the two halves of the
/// pipeline alone: the hub reading and streaming the snapshot to a bare gRPC client, and
/// <see cref="ReplicaStore.ApplySnapshotAsync"/> writing the same records from memory.
/// </summary>
internal sealed class BootstrapScenario(BenchOptions options, Report report)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        report.Heading($"3. Snapshot bootstrap ({options.BootstrapCards:N0} cards × {options.BootstrapDoors} doors)");
        var connection = options.Connection ?? throw new ArgumentException("--connection is required (the private PostgreSQL)");
        await using var hub = await BenchHub.StartAsync(connection, "bench_edge_bootstrap", options.CardHashKey, cancellationToken);
        var (siteId, doors, scheduleId) = await hub.CreateSiteAsync(options.BootstrapDoors, cancellationToken);
        var head = await hub.HeadAsync(siteId, cancellationToken);
        var loadClock = Stopwatch.StartNew();
        var rights = await BulkSite.LoadAsync(hub.DataSource, Guid.Parse(siteId), doors, scheduleId, options.BootstrapCards, Convert.FromBase64String(options.CardHashKey), head, cancellationToken);
        Report.Progress($"COPYed {options.BootstrapCards:N0} cards and {rights:N0} rights in {loadClock.Elapsed.TotalSeconds:F1} s");

        var root = Path.Combine(options.WorkDirectory, "bootstrap");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        try
        {
            // The real edge, end to end.
            var capture = new LogCapture();
            var code = await hub.CreateNodeAsync("bench-bootstrap", siteId, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            long published;
            string indexLine;
            long records;
            await using (var edge = new InProcessEdge("bench-bootstrap", hub.GrpcAddress, code, Path.Combine(root, "edge"), options.CardHashKey, capture))
            {
                await edge.StartAsync(cancellationToken);
                var wait = Stopwatch.StartNew();
                while (edge.PublishedPosition < head)
                {
                    if (wait.Elapsed > TimeSpan.FromMinutes(10))
                    {
                        throw new TimeoutException($"the edge did not publish position {head}:\n{string.Join('\n', capture.Events.TakeLast(20).Select(e => e.Message))}");
                    }

                    await Task.Delay(20, cancellationToken);
                }

                published = edge.PublishedAt(head)!.Value;
                indexLine = capture.First("DecisionIndexLoaded")?.Message ?? "?";
                records = await edge.Loader.Store.CountAsync(cancellationToken);
            }

            var opened = capture.First("SyncStreamOpened")?.Timestamp ?? throw new InvalidOperationException("no SyncStreamOpened event");
            var stored = capture.First("SnapshotApplied")?.Timestamp ?? throw new InvalidOperationException("no SnapshotApplied event");
            var total = Stopwatch.GetElapsedTime(opened, published);
            var write = Stopwatch.GetElapsedTime(opened, stored);
            var index = Stopwatch.GetElapsedTime(stored, published);
            Report.Progress($"edge bootstrapped {records:N0} records in {total.TotalSeconds:F1} s");

            // The halves alone: the hub streaming to a client that only decodes, then SQLite writing from memory.
            var (streamTime, beginTime, chunks, streamed) = await StreamOnlyAsync(hub, siteId, cancellationToken);
            var sqlite = Stopwatch.StartNew();
            using (var store = ReplicaStore.Open(new ReplicaOptions { DataDirectory = Path.Combine(root, "sqlite-only") }, TimeProvider.System))
            {
                await store.ApplySnapshotAsync(Chunks(chunks), head, siteId, cancellationToken);
            }

            var sqliteTime = sqlite.Elapsed;
            string Rate(long n, TimeSpan t) => (n / t.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);
            report.Line("");
            report.Line($"Hub state: {options.BootstrapCards:N0} card records + {rights:N0} effective rights COPYed in {loadClock.Elapsed.TotalSeconds:F1} s (plus site, {doors.Count} doors, 1 schedule from the admin API); " +
                $"one in-process edge enrolls and syncs over h2c loopback; PostgreSQL default durability, data in the OS cache.");
            report.Line("");
            report.Header("phase", "time s", "records/s", "what");
            report.Row("**stream open → index published**", total.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture), $"**{Rate(records, total)}**", $"{records:N0} records, end to end on the edge");
            report.Row("stream open → replica.db replaced", write.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture), Rate(records, write), "hub read + stream + edge SQLite write, pipelined");
            report.Row("replica.db replaced → index published", index.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture), Rate(records, index), "edge re-reads replica.db, builds and swaps the index");
            report.Row("hub read + stream alone", streamTime.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture), Rate(streamed, streamTime), $"bare gRPC client decoding only; first chunk after {beginTime.TotalMilliseconds:F0} ms (SnapshotBegin: count + open)");
            report.Row("SQLite write alone", sqliteTime.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture), Rate(streamed, sqliteTime), "ReplicaStore.ApplySnapshotAsync of the same records from memory");
            report.Line("");
            report.Line($"- The edge's own log: \"{indexLine}\".");
            report.Line($"- ≥ 100k rows/s end to end: **{(records / total.TotalSeconds >= 100_000 ? "met" : "not met")}**.");
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>Enrolls a probe node and reads the hub's snapshot over the real stream, converting records as the edge does.</summary>
    private static async Task<(TimeSpan Total, TimeSpan Begin, List<List<ReplicaRecord>> Chunks, long Records)> StreamOnlyAsync(
        BenchHub hub, string siteId, CancellationToken cancellationToken)
    {
        var code = await hub.CreateNodeAsync("bench-stream-probe", siteId, cancellationToken);
        var enrolled = await new EnrollmentService.Client(hub.Channel).EnrollAsync(
            new EnrollRequest { NodeId = "bench-stream-probe", EnrollmentCode = code }, cancellationToken: cancellationToken).ResponseAsync;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var headers = new Metadata { { "authorization", "Node " + enrolled.NodeToken } };
        var clock = Stopwatch.StartNew();
        using var call = new EdgeSync.Client(hub.Channel).Sync(new CallOptions(Headers: headers, CancellationToken: stop.Token));
        await call.RequestStream.WriteAsync(new EdgeMessage
        {
            Hello = new SyncHello { NodeId = "bench-stream-probe", SiteId = siteId, ReplicaPosition = 0, SchemaVersion = 1 },
        }, stop.Token);
        var chunks = new List<List<ReplicaRecord>>();
        long records = 0;
        var begin = TimeSpan.Zero;
        while (await call.ResponseStream.MoveNext(stop.Token))
        {
            var message = call.ResponseStream.Current;
            if (message.MessageCase == HubMessage.MessageOneofCase.SnapshotBegin)
            {
                begin = clock.Elapsed;
            }
            else if (message.MessageCase == HubMessage.MessageOneofCase.SnapshotChunk)
            {
                var chunk = new List<ReplicaRecord>(message.SnapshotChunk.Records.Count);
                chunk.AddRange(message.SnapshotChunk.Records.Select(ReplicaRecord.FromChange));
                records += chunk.Count;
                chunks.Add(chunk);
            }
            else if (message.MessageCase == HubMessage.MessageOneofCase.SnapshotEnd)
            {
                break;
            }
        }

        var total = clock.Elapsed;
        await stop.CancelAsync();
        return (total, begin, chunks, records);
    }

    private static async IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> Chunks(List<List<ReplicaRecord>> chunks)
    {
        await Task.Yield();
        foreach (var chunk in chunks)
        {
            yield return chunk;
        }
    }
}
