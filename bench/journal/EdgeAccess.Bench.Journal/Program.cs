// Drains synthetic door.decision events through the hub's JournalStore, one node's stream after
// the other's batches in order (as SyncGrpcService stores a JournalUpload), and prints events/s.
//
//   dotnet EdgeAccess.Bench.Journal.dll --connection="Host=...;Database=postgres" [--events=1000000] [--batch=1000]
//       [--cards=20000] [--doors=200] [--keep]
//
// A fresh database (edgeaccess_bench_journal) is created and migrated by SchemaMigrator, seeded with
// one site, one node, people and cards (so person_id is resolved by the store's join, as in
// production), then dropped unless --keep. Batches are generated before the clock starts.
using System.Diagnostics;
using System.Globalization;
using EdgeAccess.Cloud.Data.Migrations;
using EdgeAccess.Cloud.Journal;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

var options = args.Where(a => a.StartsWith("--", StringComparison.Ordinal))
    .Select(a => a[2..].Split('=', 2))
    .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "true", StringComparer.Ordinal);
var connection = options.GetValueOrDefault("connection") ?? throw new ArgumentException("--connection=<server connection string> is required");
var total = int.Parse(options.GetValueOrDefault("events", "1000000"), CultureInfo.InvariantCulture);
var batchSize = int.Parse(options.GetValueOrDefault("batch", "1000"), CultureInfo.InvariantCulture);
var cardCount = int.Parse(options.GetValueOrDefault("cards", "20000"), CultureInfo.InvariantCulture);
var doorCount = int.Parse(options.GetValueOrDefault("doors", "200"), CultureInfo.InvariantCulture);
const string Database = "edgeaccess_bench_journal";
var ct = CancellationToken.None;

await Admin($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
await Admin($"CREATE DATABASE {Database}");
var builder = new NpgsqlConnectionStringBuilder(connection) { Database = Database, CommandTimeout = 300 };
await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
try
{
    await SchemaMigrator.MigrateAsync(dataSource, ct);
    var (siteId, nodeId, cards, doors) = await SeedAsync(dataSource, cardCount, doorCount);

    Console.Error.WriteLine($"bench: generating {total:N0} door.decision events in batches of {batchSize:N0}");
    var batches = Generate(total, batchSize, cards, doors);
    var store = new JournalStore(dataSource, new LabReactions(NullLogger<LabReactions>.Instance), NullLogger<JournalStore>.Instance);

    // Warm up the connection, the JIT and the plan on a node of its own, outside the measurement.
    var warmNode = await NewNodeAsync(dataSource, siteId, "bench-warm-up");
    await store.StoreAsync(warmNode, siteId, Generate(batchSize, batchSize, cards, doors)[0], DateTimeOffset.UtcNow, ct);

    Console.Error.WriteLine("bench: draining");
    var latencies = new double[batches.Count];
    long ack = 0;
    var wall = Stopwatch.StartNew();
    for (var i = 0; i < batches.Count; i++)
    {
        var started = Stopwatch.GetTimestamp();
        ack = await store.StoreAsync(nodeId, siteId, batches[i], DateTimeOffset.UtcNow, ct);
        latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if ((i + 1) % 100 == 0)
        {
            Console.Error.WriteLine($"bench: {(i + 1L) * batchSize:N0} events, {(i + 1L) * batchSize / wall.Elapsed.TotalSeconds:N0}/s");
        }
    }

    wall.Stop();

    // A re-sent tail (lost acks): 10 batches again, all duplicates.
    var resend = Stopwatch.StartNew();
    foreach (var batch in batches.TakeLast(10))
    {
        await store.StoreAsync(nodeId, siteId, batch, DateTimeOffset.UtcNow, ct);
    }

    resend.Stop();
    var (rows, withPerson, tableBytes) = await CountAsync(dataSource, nodeId);
    if (ack != total || rows != total)
    {
        throw new InvalidOperationException($"expected {total} events and ack {total}; stored {rows}, ack {ack}");
    }

    Array.Sort(latencies);
    var perSecond = total / wall.Elapsed.TotalSeconds;
    Console.WriteLine($"""
        | measure | value |
        |---|---|
        | events drained | {total:N0} in {batches.Count:N0} batches of {batchSize:N0} (one node, in order) |
        | wall time | {wall.Elapsed.TotalSeconds:N1} s |
        | **throughput** | **{perSecond:N0} events/s** |
        | batch latency p50 / p99 / max | {Pct(0.50):N1} / {Pct(0.99):N1} / {latencies[^1]:N1} ms |
        | re-sent batch (all duplicates), mean | {resend.Elapsed.TotalMilliseconds / 10:N1} ms |
        | events with person resolved | {withPerson:N0} |
        | edge_events size (heap + indexes) | {tableBytes / 1048576.0:N0} MB |
        """);

    double Pct(double p) => latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))];
}
finally
{
    if (!options.ContainsKey("keep"))
    {
        NpgsqlConnection.ClearAllPools();
        await Admin($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
    }
}

async Task Admin(string sql)
{
    await using var admin = new NpgsqlConnection(connection);
    await admin.OpenAsync(ct);
    await using var command = new NpgsqlCommand(sql, admin);
    await command.ExecuteNonQueryAsync(ct);
}

static async Task<(Guid Site, string Node, Guid[] Cards, Guid[] Doors)> SeedAsync(NpgsqlDataSource dataSource, int cardCount, int doorCount)
{
    var now = DateTimeOffset.UtcNow;
    var site = Guid.CreateVersion7();
    var doors = Enumerable.Range(0, doorCount).Select(_ => Guid.CreateVersion7()).ToArray();
    var people = Enumerable.Range(0, cardCount).Select(_ => Guid.CreateVersion7()).ToArray();
    var cards = Enumerable.Range(0, cardCount).Select(_ => Guid.CreateVersion7()).ToArray();

    // One statement per batch command: PostgreSQL refuses several in one extended-protocol message.
    await using var batch = dataSource.CreateBatch();
    Add("INSERT INTO sites (id, name, time_zone, created_at, updated_at) VALUES ($1, 'Bench site', 'Europe/Berlin', $2, $2)", site, now);
    Add("INSERT INTO doors (id, site_id, name, direction, created_at, updated_at) SELECT d, $1, 'Door ' || n, 0, $2, $2 FROM unnest($3::uuid[]) WITH ORDINALITY AS u (d, n)", site, now, doors);
    Add("INSERT INTO people (id, display_name, created_at, updated_at) SELECT p, 'Person ' || n, $1, $1 FROM unnest($2::uuid[]) WITH ORDINALITY AS u (p, n)", now, people);
    Add("INSERT INTO cards (id, person_id, number_hash, last_digits, status, created_at, updated_at) SELECT c, p, sha256(convert_to(c::text, 'UTF8')), '0000', 0, $1, $1 FROM unnest($2::uuid[], $3::uuid[]) AS u (c, p)", now, cards, people);
    Add("ANALYZE");
    await batch.ExecuteNonQueryAsync();
    return (site, await NewNodeAsync(dataSource, site, "bench-node-1"), cards, doors);

    void Add(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        batch.BatchCommands.Add(command);
    }
}

static async Task<string> NewNodeAsync(NpgsqlDataSource dataSource, Guid site, string id)
{
    await using var command = dataSource.CreateCommand("INSERT INTO nodes (id, site_id, status, created_at, updated_at) VALUES ($1, $2, 1, now(), now())");
    command.Parameters.Add(new NpgsqlParameter { Value = id });
    command.Parameters.Add(new NpgsqlParameter { Value = site });
    await command.ExecuteNonQueryAsync();
    return id;
}

// Seeded: the same events every run. 90% granted; 5% of taps by cards the hub does not know.
static List<JournalEvent[]> Generate(int total, int batchSize, Guid[] cards, Guid[] doors)
{
    var random = new Random(4711);
    var start = new DateTimeOffset(2026, 3, 2, 6, 0, 0, TimeSpan.Zero);
    var batches = new List<JournalEvent[]>(total / batchSize + 1);
    for (var seq = 1; seq <= total; seq += batchSize)
    {
        var batch = new JournalEvent[Math.Min(batchSize, total - seq + 1)];
        for (var i = 0; i < batch.Length; i++)
        {
            var granted = random.NextDouble() < 0.9;
            var decision = new DoorDecisionEvent
            {
                DoorId = doors[random.Next(doors.Length)].ToString(),
                CardId = random.NextDouble() < 0.05 ? "" : cards[random.Next(cards.Length)].ToString(),
                Granted = granted,
                Reason = granted ? DoorDecisionReason.Granted : DoorDecisionReason.NoRight,
                Flags = new DoorDecisionFlags(),
                ReplicaPosition = 1000 + (seq / 10_000),
                Step = "check",
            };
            batch[i] = new JournalEvent
            {
                Seq = seq + i,
                OccurTime = Timestamp.FromDateTimeOffset(start.AddMilliseconds((seq + i) * 250L)),
                Kind = JournalKinds.DoorDecision,
                Payload = decision.ToByteString(),
            };
        }

        batches.Add(batch);
    }

    return batches;
}

static async Task<(long Rows, long WithPerson, long Bytes)> CountAsync(NpgsqlDataSource dataSource, string nodeId)
{
    await using var command = dataSource.CreateCommand("""
        SELECT count(*), count(person_id), pg_total_relation_size('edge_events') FROM edge_events WHERE node_id = $1
        """);
    command.Parameters.Add(new NpgsqlParameter { Value = nodeId });
    await using var reader = await command.ExecuteReaderAsync();
    await reader.ReadAsync();
    return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
}
