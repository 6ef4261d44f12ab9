using System.Diagnostics;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Bench.Edge.Latency;

/// <summary>
/// Scenario 1: door decisions over the local gRPC API (h2c, loopback) of an edge node process
/// whose replica holds N cards × M doors, each decision journaled (SQLite WAL, synchronous=FULL)
/// before it is answered. Run twice: journal on the disk, then on tmpfs (not durable) to show
/// what the fsync costs. Also times the journal append alone (<see cref="EventJournal.AppendAsync"/>).
/// </summary>
internal sealed class LatencyScenario(BenchOptions options, Report report)
{
    private const int ProbeAppends = 2000;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        report.Heading($"1. Decision latency over local gRPC ({options.Cards:N0} cards × {options.Doors} doors)");
        var replicaDir = Path.Combine(options.WorkDirectory, $"replica-{options.Cards}x{options.Doors}");
        await SeedOnceAsync(replicaDir, cancellationToken);

        report.Line("");
        report.Line($"Journal append alone (`EventJournal.AppendAsync`, one `door.decision` entry per transaction, {ProbeAppends:N0} in a row, in-process):");
        report.Line("");
        report.Header("journal", "p50 ms", "p99 ms", "p99.9 ms", "appends/s");
        await ProbeJournalAsync("disk (/tmp), synchronous=FULL", Path.Combine(options.WorkDirectory, "journal-probe"), cancellationToken);
        await ProbeJournalAsync("tmpfs (/dev/shm), not durable", Path.Combine(options.ShmDirectory, "journal-probe"), cancellationToken);

        var results = new List<(string Label, Run Run)>();
        foreach (var onShm in (bool[])[false, true])
        {
            var label = onShm ? "journal on tmpfs (/dev/shm), **not durable**" : "journal on disk (/tmp), synchronous=FULL";
            results.Add((label, await RunEdgeAsync(replicaDir, onShm, cancellationToken)));
        }

        report.Line("");
        report.Line($"Local gRPC `AccessPoint.Check` (real client, h2c loopback, one HTTP/2 connection), {options.Calls:N0} calls per row after {options.Warmup:N0} warm-up calls:");
        report.Line("");
        report.Header("journal", "callers", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "decisions/s", "edge CPU ms/decision", "other processes, cores");
        foreach (var (label, run) in results)
        {
            foreach (var m in run.Measurements)
            {
                report.Row(label, m.Callers, Stats.Ms(m.Latency.P(0.5)), Stats.Ms(m.Latency.P(0.99)), Stats.Ms(m.Latency.P(0.999)), Stats.Ms(m.Latency.Max),
                    m.Rate.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), (m.EdgeCpu.TotalMilliseconds / m.Latency.Count).ToString("F3", System.Globalization.CultureInfo.InvariantCulture), m.OtherCores.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        report.Line("");
        foreach (var (label, run) in results)
        {
            report.Line($"- {label}: node start to first decision {run.StartSeconds:F1} s (replica read + index build), RSS after the runs {run.ResidentMb:N0} MB, " +
                $"{run.GrantedShare:P1} of sequential taps granted, sequential p99 ≤ 1 ms: **{(run.Measurements[0].Latency.P(0.99) <= 1.0 ? "met" : "not met")}** " +
                $"({run.Measurements[0].Latency.ShareAtOrUnder(1.0):P1} of calls ≤ 1 ms).");
        }
    }

    private async Task SeedOnceAsync(string replicaDir, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(replicaDir, "bench-seeded.txt");
        if (File.Exists(marker))
        {
            report.Line($"Replica reused from an earlier run ({replicaDir}): {File.ReadAllText(marker).Trim()}");
            return;
        }

        if (Directory.Exists(replicaDir))
        {
            Directory.Delete(replicaDir, recursive: true);
        }

        Report.Progress($"seeding {options.Cards:N0} cards x {options.Doors} doors into {replicaDir} (ReplicaStore.ApplySnapshotAsync)");
        var (records, elapsed) = await ReplicaSeeder.SeedAsync(replicaDir, Convert.FromBase64String(options.CardHashKey), options.Cards, options.Doors, cancellationToken);
        var size = new FileInfo(Path.Combine(replicaDir, "replica.db")).Length;
        var line = $"seeded {records:N0} records with ReplicaStore.ApplySnapshotAsync in {elapsed.TotalSeconds:F1} s ({records / elapsed.TotalSeconds:N0} records/s), replica.db {size / 1048576.0:N0} MB";
        await File.WriteAllTextAsync(marker, line, cancellationToken);
        report.Line($"Replica {line}.");
    }

    private async Task ProbeJournalAsync(string label, string directory, CancellationToken cancellationToken)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        var payload = new DoorDecisionEvent { DoorId = "door-001", CardId = "card-0000001", Granted = true, Step = "check", ReplicaPosition = 1 }.ToByteArray();
        var ticks = new long[ProbeAppends];
        var clock = Stopwatch.StartNew();
        using (var journal = EventJournal.Open(new ReplicaOptions { DataDirectory = directory }))
        {
            for (var i = 0; i < ticks.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await journal.AppendAsync("door.decision", payload, TimeProvider.System.GetUtcNow(), cancellationToken);
                ticks[i] = Stopwatch.GetTimestamp() - start;
            }
        }

        var stats = Stats.FromTicks(ticks);
        report.Row(label, Stats.Ms(stats.P(0.5)), Stats.Ms(stats.P(0.99)), Stats.Ms(stats.P(0.999)), (ProbeAppends / clock.Elapsed.TotalSeconds).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        Directory.Delete(directory, recursive: true);
    }

    private async Task<Run> RunEdgeAsync(string replicaDir, bool journalOnShm, CancellationToken cancellationToken)
    {
        // A fresh journal each run; on tmpfs through a symbolic link (SQLite resolves it and keeps
        // the -wal and -shm files next to the target), so only the journal moves, not the replica.
        var journalPath = Path.Combine(replicaDir, "journal.db");
        var shmJournal = Path.Combine(options.ShmDirectory, "journal.db");
        foreach (var path in (string[])[journalPath, shmJournal])
        {
            foreach (var suffix in (string[])["", "-wal", "-shm", "-journal"])
            {
                File.Delete(path + suffix);
            }
        }

        if (journalOnShm)
        {
            Directory.CreateDirectory(options.ShmDirectory);
            File.CreateSymbolicLink(journalPath, shmJournal);
        }

        Report.Progress($"starting the edge node ({(journalOnShm ? "journal on /dev/shm" : "journal on disk")}); it reads {options.Cards:N0} x {options.Doors} rights from replica.db");
        using var edge = new EdgeNodeProcess(options.EdgeDll, replicaDir, options.CardHashKey);
        using var channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{edge.GrpcPort}"));
        var client = new AccessPoint.Client(channel);
        var started = Stopwatch.StartNew();
        await WaitReadyAsync(edge, client, cancellationToken);
        var startSeconds = started.Elapsed.TotalSeconds;
        Report.Progress($"edge ready after {startSeconds:F1} s (RSS {edge.ResidentMb():N0} MB)");
        if (journalOnShm && !File.Exists(shmJournal + "-wal"))
        {
            throw new InvalidOperationException($"the journal's WAL is not on tmpfs ({shmJournal}-wal missing)");
        }

        var requests = Requests(50_000, seed: journalOnShm ? 2 : 1);
        await MeasureAsync(edge, client, requests, 1, options.Warmup, cancellationToken);
        var measurements = new List<Measurement>();
        var granted = 0;
        foreach (var callers in (int[])[1, 4, 16])
        {
            var m = await MeasureAsync(edge, client, requests, callers, options.Calls, cancellationToken);
            measurements.Add(m);
            granted = callers == 1 ? m.Granted : granted;
            Report.Progress($"{callers} caller(s): {m.Latency}, {m.Rate:N0}/s");
        }

        return new Run(measurements, startSeconds, edge.ResidentMb(), (double)granted / options.Calls);
    }

    private static async Task WaitReadyAsync(EdgeNodeProcess edge, AccessPoint.Client client, CancellationToken cancellationToken)
    {
        var request = new CheckRequest { DoorId = ReplicaSeeder.DoorId(0), CardNumber = ReplicaSeeder.Number(0) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(15))
        {
            if (edge.HasExited)
            {
                throw new InvalidOperationException($"the edge node exited:\n{edge.Tail()}");
            }

            try
            {
                await client.CheckAsync(request, cancellationToken: cancellationToken).ResponseAsync;
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown)
            {
                await Task.Delay(250, cancellationToken);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250, cancellationToken);
            }
        }

        throw new TimeoutException($"the edge node did not answer within 15 minutes:\n{edge.Tail()}");
    }

    // 98% taps by cards of the replica, 2% by unknown numbers; random doors.
    private CheckRequest[] Requests(int count, int seed)
    {
        var random = new Random(seed);
        var requests = new CheckRequest[count];
        for (var i = 0; i < count; i++)
        {
            var number = random.Next(100) < 98 ? ReplicaSeeder.Number(random.Next(options.Cards)) : $"DEAD{random.NextInt64(1L << 40):X10}";
            requests[i] = new CheckRequest { DoorId = ReplicaSeeder.DoorId(random.Next(options.Doors)), CardNumber = number };
        }

        return requests;
    }

    private static async Task<Measurement> MeasureAsync(
        EdgeNodeProcess edge, AccessPoint.Client client, CheckRequest[] requests, int callers, int calls, CancellationToken cancellationToken)
    {
        var ticks = new long[calls];
        var next = -1;
        var granted = 0;
        var cpuBefore = edge.CpuTime();
        var ownBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var machineBefore = MachineBusy();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < calls)
            {
                var request = requests[i % requests.Length];
                var start = Stopwatch.GetTimestamp();
                var response = await client.CheckAsync(request, cancellationToken: cancellationToken).ResponseAsync;
                ticks[i] = Stopwatch.GetTimestamp() - start;
                if (response.Granted)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        }, cancellationToken)));
        var elapsed = clock.Elapsed;
        var edgeCpu = edge.CpuTime() - cpuBefore;
        var others = MachineBusy() - machineBefore - edgeCpu - (Process.GetCurrentProcess().TotalProcessorTime - ownBefore);
        return new Measurement(callers, Stats.FromTicks(ticks), calls / elapsed.TotalSeconds, edgeCpu, granted, Math.Max(0, others / elapsed));
    }

    // CPU time all processes used so far (/proc/stat: user, nice, system, irq, softirq, steal), to tell other work on the machine apart.
    private static TimeSpan MachineBusy()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8)) / 100.0);
    }

    private sealed record Measurement(int Callers, Stats Latency, double Rate, TimeSpan EdgeCpu, int Granted, double OtherCores);

    private sealed record Run(List<Measurement> Measurements, double StartSeconds, double ResidentMb, double GrantedShare);
}
