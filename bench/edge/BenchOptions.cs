using System.Globalization;

namespace EdgeAccess.Bench.Edge;

/// <summary>Command line: <c>latency|propagation|bootstrap|all</c> and <c>--name=value</c> options.</summary>
internal sealed class BenchOptions
{
    /// <summary>The deployment's card-hash key of the benchmark (32 bytes, base64): hub and edges share it.</summary>
    public string CardHashKey { get; private init; } = "YmVuY2gtb25seS1jYXJkLWhhc2gta2V5LTMyLWJ5dGVz";

    public IReadOnlyList<string> Scenarios { get; private init; } = [];

    /// <summary>Server connection string (database postgres) of the private cluster; required by propagation and bootstrap.</summary>
    public string? Connection { get; private init; }

    public string WorkDirectory { get; private init; } = "/tmp/edgeaccess-bench-edge";

    public string ShmDirectory { get; private init; } = "/dev/shm/edgeaccess-bench-edge";

    public string EdgeDll { get; private init; } = "";

    public string Output { get; private init; } = "bench/edge/results/latest.md";

    public string Command { get; private init; } = "";

    /// <summary>Cores busy with other processes just before the run (run.sh measures it).</summary>
    public string BackgroundLoad { get; private init; } = "?";

    // Latency
    public int Cards { get; private init; } = 1_000_000;

    public int Doors { get; private init; } = 64;

    public int Calls { get; private init; } = 20_000;

    public int Warmup { get; private init; } = 3_000;

    // Propagation
    public int Edges { get; private init; } = 50;

    public int Changes { get; private init; } = 200;

    public int SpacingMs { get; private init; } = 100;

    // Bootstrap
    public int BootstrapCards { get; private init; } = 16_000;

    public int BootstrapDoors { get; private init; } = 64;

    public static BenchOptions Parse(string[] args)
    {
        // A later --name=value overrides an earlier one (run.sh passes its defaults first).
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a[2..].Split('=', 2)))
        {
            values[pair[0]] = pair.Length > 1 ? pair[1] : "true";
        }

        var scenarios = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (scenarios.Count == 0 || scenarios.Contains("all"))
        {
            scenarios = ["latency", "propagation", "bootstrap"];
        }

        var unknown = scenarios.Except(["latency", "propagation", "bootstrap"]).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown scenario(s): {string.Join(", ", unknown)} (latency|propagation|bootstrap|all)");
        }

        var defaults = new BenchOptions();
        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        string Str(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;
        return new BenchOptions
        {
            Scenarios = scenarios,
            Connection = values.GetValueOrDefault("connection"),
            WorkDirectory = Str("work", defaults.WorkDirectory),
            ShmDirectory = Str("shm", defaults.ShmDirectory),
            EdgeDll = Str("edge-dll", defaults.EdgeDll),
            Output = Str("out", defaults.Output),
            Command = Str("command", ""),
            BackgroundLoad = Str("background-load", "?"),
            Cards = Int("cards", defaults.Cards),
            Doors = Int("doors", defaults.Doors),
            Calls = Int("calls", defaults.Calls),
            Warmup = Int("warmup", defaults.Warmup),
            Edges = Int("edges", defaults.Edges),
            Changes = Int("changes", defaults.Changes),
            SpacingMs = Int("spacing-ms", defaults.SpacingMs),
            BootstrapCards = Int("bootstrap-cards", defaults.BootstrapCards),
            BootstrapDoors = Int("bootstrap-doors", defaults.BootstrapDoors),
        };
    }
}
