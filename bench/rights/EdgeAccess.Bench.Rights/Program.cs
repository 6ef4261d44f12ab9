using System.Diagnostics;
using System.Globalization;
using EdgeAccess.Bench.Rights.Diagnostics;
using EdgeAccess.Bench.Rights.Generation;
using EdgeAccess.Bench.Rights.Phases;
using EdgeAccess.Cloud.Data.Migrations;
using Npgsql;

namespace EdgeAccess.Bench.Rights;

/// <summary>
/// The hub rights/feed benchmark. Generates a site (seeded), bulk-loads it with COPY into a fresh
/// database, then measures the full compile, incremental changes and feed appends, and prints a
/// Markdown report (also written to --out). Normally started by bench/rights/run.sh, which owns the
/// PostgreSQL cluster:
///
///   EdgeAccess.Bench.Rights --connection="Host=…;Database=postgres" [--database=edgeaccess_bench_rights]
///       [--out=latest.md] [--seed=20260601] [--people=100000] [--doors=500] [--trees=25] [--grants=3000]
///       [--nesting-changes=5] [--person-changes=50] [--feed-seconds=10] [--feed-writers=8]
///       [--feed-batch=1000] [--feed-batches=50] [--pg-options="-c name=value"] [--keep-database] [--dry-run]
///
/// --dry-run only generates the model and prints its figures (no database).
/// </summary>
internal static class Program
{
    public static void Log(string message) => Console.Error.WriteLine("bench: " + message);

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var cancellationToken = cancel.Token;
        var time = TimeProvider.System;
        var results = new BenchResults { Options = options, Started = time.GetUtcNow() };

        var started = Stopwatch.GetTimestamp();
        var model = SiteGenerator.Generate(options, time.GetUtcNow());
        var analysis = new ModelAnalysis(model);
        results.Model = model;
        results.Analysis = analysis;
        results.Generate = Stopwatch.GetElapsedTime(started);
        Log($"generated in {results.Generate.TotalSeconds:F1} s: {model.People.Length:N0} people, {model.Cards.Length:N0} cards, " +
            $"{model.Groups.Length:N0} groups, {model.Memberships.Length:N0} memberships, {model.Schemes.Length:N0} schemes; expecting {analysis.ExpectedRights:N0} rights");
        if (options.DryRun)
        {
            Console.WriteLine(Report.Dataset(results));
            return 0;
        }

        var connectionString = await BenchDatabase.RecreateAsync(options, cancellationToken);
        try
        {
            await using (var dataSource = NpgsqlDataSource.Create(connectionString))
            {
                results.Server = await BenchDatabase.ServerAsync(dataSource, cancellationToken);
                Log($"PostgreSQL {results.Server.Version}: " + string.Join(", ", results.Server.Settings.Select(s => $"{s.Name}={s.Value}")));
                await SchemaMigrator.MigrateAsync(dataSource, cancellationToken);

                Log("loading with binary COPY");
                await using (var marker = dataSource.CreateCommand("DO $$BEGIN RAISE LOG 'bench phase: bulk load'; END$$"))
                {
                    await marker.ExecuteNonQueryAsync(cancellationToken);
                }

                started = Stopwatch.GetTimestamp();
                var cpu = CpuMeter.Start();
                results.Load = await BulkLoader.LoadAsync(dataSource, model, cancellationToken);
                results.LoadTotal = Stopwatch.GetElapsedTime(started);
                results.LoadCpu = cpu.Stop();
                Log($"loaded in {results.LoadTotal.TotalSeconds:F1} s");

                using var recorder = new SpanRecorder();
                await using var hub = new BenchHub(dataSource);
                results.Full = await FullCompilePhase.RunAsync(hub, recorder, model.SiteId, time, cancellationToken);
                results.Compute = await ComputeProfile.RunAsync(hub, cancellationToken);
                results.Changes = await ChangePhase.RunAsync(hub, recorder, model, analysis, options, cancellationToken);
                results.Feed = await FeedPhase.RunAsync(hub, recorder, NewSiteId(options.Seed), [.. model.Doors.Select(d => d.Id)], options, time, cancellationToken);
            }

            var markdown = Report.Render(results);
            Console.WriteLine(markdown);
            if (options.Out is { } path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(path, markdown, cancellationToken);
            }

            return results.Full.Report.RightsChanged == analysis.ExpectedRights && results.Full.VerifyReport.Consistent && results.Changes.VerifyAfter.Consistent ? 0 : 1;
        }
        finally
        {
            if (!options.KeepDatabase)
            {
                await BenchDatabase.DropAsync(options, CancellationToken.None);
            }
        }
    }

    private static Guid NewSiteId(int seed)
    {
        var bytes = new byte[16];
        new Random(seed + 3).NextBytes(bytes);
        return new Guid(bytes);
    }
}

/// <summary>Everything the report shows; filled phase by phase.</summary>
internal sealed class BenchResults
{
    public required BenchOptions Options { get; init; }
    public required DateTimeOffset Started { get; init; }
    public SiteModel Model { get; set; } = null!;
    public ModelAnalysis Analysis { get; set; } = null!;
    public TimeSpan Generate { get; set; }
    public (string Version, List<(string Name, string Value)> Settings) Server { get; set; }
    public List<(string Table, long Rows, TimeSpan Elapsed)> Load { get; set; } = [];
    public TimeSpan LoadTotal { get; set; }
    public CpuUse LoadCpu { get; set; }
    public FullCompileResult Full { get; set; } = null!;
    public ComputeResult Compute { get; set; } = null!;
    public ChangeResult Changes { get; set; } = null!;
    public FeedResult Feed { get; set; } = null!;
}
