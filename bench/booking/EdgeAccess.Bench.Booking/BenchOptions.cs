using System.Globalization;

namespace EdgeAccess.Bench.Booking;

/// <summary>Command line: <c>--name=value</c> options (run.sh passes the connection, paths and the command).</summary>
internal sealed class BenchOptions
{
    private static readonly string[] AllPhases = ["hot", "race", "across", "availability"];

    /// <summary>Server connection string (database postgres) of the private cluster.</summary>
    public string Connection { get; private init; } = "";

    /// <summary>The cluster's data directory: its postmaster.pid tells which processes are PostgreSQL's (CPU per phase).</summary>
    public string PgDirectory { get; private init; } = "";

    public string Output { get; private init; } = "bench/booking/results/latest.md";

    public string Command { get; private init; } = "";

    /// <summary>Cores busy with other processes just before the run (run.sh measures it).</summary>
    public string BackgroundLoad { get; private init; } = "?";

    /// <summary>Concurrent callers, each a signed-in user linked to its own person (a quarter admins, the rest members).</summary>
    public int Callers { get; private init; } = 32;

    /// <summary>HTTP/2 connections (channels) the callers are spread over.</summary>
    public int Connections { get; private init; } = 4;

    /// <summary>
    /// Npgsql settings added to the hub's connection string (e.g. <c>Max Auto Prepare=100</c>), to
    /// try a production tuning; empty by default, as the hub's own default.
    /// </summary>
    public string HubConnectionOptions { get; private init; } = "";

    public int Sites { get; private init; } = 4;

    public int DoorsPerSite { get; private init; } = 25;

    public int Resources { get; private init; } = 1000;

    /// <summary>Seconds of each timed booking run (hot distinct, across resources), after a warm-up.</summary>
    public int Seconds { get; private init; } = 20;

    public int WarmupSeconds { get; private init; } = 4;

    /// <summary>Slots every caller tries, in the same order, in the race variant.</summary>
    public int RaceSlots { get; private init; } = 120;

    public int BookingMinutes { get; private init; } = 30;

    /// <summary>Active bookings seeded in the week of the availability resource.</summary>
    public int WeekBookings { get; private init; } = 200;

    public int Blackouts { get; private init; } = 4;

    public int Queries { get; private init; } = 3000;

    /// <summary>Phases to run, comma-separated: hot, race, across, availability (default all).</summary>
    public IReadOnlySet<string> Phases { get; private init; } = new HashSet<string>(AllPhases, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Adds the top statements of each booking phase from <c>pg_stat_statements</c> to the report
    /// (the cluster must preload it; run.sh's does not, so it is off by default).
    /// </summary>
    public bool Statements { get; private init; }

    public bool Runs(string phase) => Phases.Contains(phase);

    public static BenchOptions Parse(string[] args)
    {
        // A later --name=value overrides an earlier one.
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var arg in args)
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unknown argument {arg} (--name=value)");
            }

            var pair = arg[2..].Split('=', 2);
            values[pair[0]] = pair.Length > 1 ? pair[1] : "true";
        }

        var defaults = new BenchOptions();
        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        string Str(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;
        return new BenchOptions
        {
            Connection = values.GetValueOrDefault("connection") ?? throw new ArgumentException("--connection=<server connection string> is required"),
            PgDirectory = Str("pg-dir", ""),
            Output = Str("out", defaults.Output),
            Command = Str("command", ""),
            BackgroundLoad = Str("background-load", "?"),
            Callers = Int("callers", defaults.Callers),
            Connections = Int("connections", defaults.Connections),
            HubConnectionOptions = Str("hub-connection-options", defaults.HubConnectionOptions),
            Sites = Int("sites", defaults.Sites),
            DoorsPerSite = Int("doors-per-site", defaults.DoorsPerSite),
            Resources = Int("resources", defaults.Resources),
            Seconds = Int("seconds", defaults.Seconds),
            WarmupSeconds = Int("warmup-seconds", defaults.WarmupSeconds),
            RaceSlots = Int("race-slots", defaults.RaceSlots),
            BookingMinutes = Int("booking-minutes", defaults.BookingMinutes),
            WeekBookings = Int("week-bookings", defaults.WeekBookings),
            Blackouts = Int("blackouts", defaults.Blackouts),
            Queries = Int("queries", defaults.Queries),
            Phases = values.TryGetValue("phases", out var phases) ? ReadPhases(phases) : defaults.Phases,
            Statements = values.ContainsKey("statements"),
        };
    }

    private static HashSet<string> ReadPhases(string text)
    {
        var phases = new HashSet<string>(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
        var unknown = phases.Except(AllPhases, StringComparer.OrdinalIgnoreCase).ToList();
        return unknown.Count == 0 ? phases : throw new ArgumentException($"--phases: unknown {string.Join(", ", unknown)} (known: {string.Join(", ", AllPhases)})");
    }
}
