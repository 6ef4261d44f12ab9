using System.Globalization;

namespace EdgeAccess.Bench.Rights;

/// <summary>
/// Command-line options, in the <c>--name=value</c> form of the other benchmarks. --connection is an
/// administrative connection string (its database is used to drop and create --database, the
/// benchmark's own); --out is where the Markdown report goes besides stdout; --command is the
/// command line shown in the report; --pg-options are server settings for the benchmark's sessions
/// (e.g. "-c log_min_duration_statement=100" or auto_explain, to profile; Npgsql's Options keyword).
/// </summary>
internal sealed record BenchOptions(
    string Connection,
    string Database,
    string? Out,
    string Command,
    string? PgOptions,
    int Seed,
    int People,
    int Doors,
    int Trees,
    int Grants,
    double SecondCardShare,
    double SchemeDensity,
    int NestingChanges,
    int PersonChanges,
    int FeedSeconds,
    int FeedWriters,
    int FeedBatch,
    int FeedBatches,
    bool KeepDatabase,
    bool DryRun)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in args)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}': flags look like --name=value.");
            }

            values[equals < 0 ? arg[2..] : arg[2..equals]] = equals < 0 ? "true" : arg[(equals + 1)..];
        }

        int Int(string name, int fallback, int min, int max)
        {
            if (!values.Remove(name, out var raw))
            {
                return fallback;
            }

            return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new ArgumentException($"--{name} must be an integer in [{min}, {max}].");
        }

        double Double(string name, double fallback, double min, double max)
        {
            if (!values.Remove(name, out var raw))
            {
                return fallback;
            }

            return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new ArgumentException($"--{name} must be a number in [{min}, {max}].");
        }

        string? String(string name) => values.Remove(name, out var raw) ? raw : null;

        var options = new BenchOptions(
            Connection: String("connection") ?? "Host=127.0.0.1;Port=55433;Username=postgres;Database=postgres",
            Database: String("database") ?? "edgeaccess_bench_rights",
            Out: String("out"),
            Command: String("command") ?? "dotnet EdgeAccess.Bench.Rights.dll " + string.Join(' ', args),
            PgOptions: String("pg-options"),
            Seed: Int("seed", 20260601, 0, int.MaxValue),
            People: Int("people", 100_000, 10, 10_000_000),
            Doors: Int("doors", 500, 10, 100_000),
            Trees: Int("trees", 25, 1, 1_000),
            Grants: Int("grants", 3_000, 0, 10_000_000),
            SecondCardShare: Double("second-card-share", 0.5, 0, 1),
            SchemeDensity: Double("scheme-density", 1.0, 0, 1),
            NestingChanges: Int("nesting-changes", 5, 1, 100),
            PersonChanges: Int("person-changes", 50, 1, 10_000),
            FeedSeconds: Int("feed-seconds", 10, 1, 600),
            FeedWriters: Int("feed-writers", 8, 1, 64),
            FeedBatch: Int("feed-batch", 1_000, 1, 1_000_000),
            FeedBatches: Int("feed-batches", 50, 1, 100_000),
            KeepDatabase: values.Remove("keep-database"),
            DryRun: values.Remove("dry-run"));
        return values.Count == 0 ? options : throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}.");
    }
}
