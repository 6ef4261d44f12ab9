using System.Text.RegularExpressions;
using Npgsql;

namespace EdgeAccess.Bench.Rights;

/// <summary>The benchmark database: created fresh at start, dropped at the end, and the server facts the report shows.</summary>
internal static partial class BenchDatabase
{
    /// <summary>Server settings that decide write and query cost; printed with every result.</summary>
    private static readonly string[] Settings =
    [
        "fsync", "synchronous_commit", "full_page_writes", "wal_level", "wal_compression", "shared_buffers", "work_mem",
        "maintenance_work_mem", "effective_cache_size", "max_wal_size", "checkpoint_timeout", "wal_buffers", "commit_delay", "jit",
        "max_parallel_workers_per_gather", "random_page_cost",
    ];

    /// <summary>Drops and recreates the database; returns the connection string of the new one.</summary>
    public static async Task<string> RecreateAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var name = CheckedName(options.Database);
        await using (var admin = new NpgsqlConnection(options.Connection))
        {
            await admin.OpenAsync(cancellationToken);
            foreach (var sql in (string[])[$"DROP DATABASE IF EXISTS {name} WITH (FORCE)", $"CREATE DATABASE {name}"])
            {
                await using var command = new NpgsqlCommand(sql, admin);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        // A full compile is one transaction whose apply statement can run for longer than Npgsql's
        // default 30 s command timeout; the benchmark measures it instead of failing (the report
        // flags any statement that would have hit the default).
        var builder = new NpgsqlConnectionStringBuilder(options.Connection) { Database = name, CommandTimeout = 900 };
        if (options.PgOptions is { } serverOptions)
        {
            builder.Options = serverOptions;
        }

        return builder.ConnectionString;
    }

    public static async Task DropAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        await using var admin = new NpgsqlConnection(options.Connection);
        await admin.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {CheckedName(options.Database)} WITH (FORCE)", admin);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The server version and the <see cref="Settings"/> as the server shows them.</summary>
    public static async Task<(string Version, List<(string Name, string Value)> Settings)> ServerAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY($1) ORDER BY array_position($1, name)");
        command.Parameters.Add(new NpgsqlParameter { Value = Settings });
        var settings = new List<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                settings.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        await using var version = dataSource.CreateCommand("SHOW server_version");
        return ((string)(await version.ExecuteScalarAsync(cancellationToken))!, settings);
    }

    private static string CheckedName(string name) =>
        SafeName().IsMatch(name) ? name : throw new ArgumentException($"--database must match {SafeName()}: '{name}'.");

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SafeName();
}
