using System.Diagnostics;
using EdgeAccess.Cloud.Data.Migrations;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use: <c>EDGEACCESS_TEST_PG</c> (a connection string with
/// CREATE DATABASE rights; tests/run.sh starts a private cluster and sets it) or, when unset, a
/// private cluster started here through deploy/local/postgres.sh. Every test class gets its own
/// fresh, migrated database.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<string> ServerConnectionString = new(Start);
    private static int _counter;

    /// <summary>Creates an empty database; returns its connection string.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(string prefix = "t")
    {
        var unique = $"ea_{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}".ToLowerInvariant();
        var name = unique[..Math.Min(unique.Length, 60)];
        await using (var admin = new NpgsqlConnection(ServerConnectionString.Value))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString.Value) { Database = name, MaxPoolSize = 60 }.ConnectionString;
    }

    /// <summary>Creates a database and applies every migration; returns its connection string.</summary>
    public static async Task<string> CreateMigratedDatabaseAsync(string prefix = "t")
    {
        var connectionString = await CreateEmptyDatabaseAsync(prefix);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await SchemaMigrator.MigrateAsync(dataSource, CancellationToken.None);
        return connectionString;
    }

    private static string Start()
    {
        var configured = Environment.GetEnvironmentVariable("EDGEACCESS_TEST_PG");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var script = Path.Combine(RepoRoot(), "deploy", "local", "postgres.sh");
        var start = new ProcessStartInfo("bash", [script, "start", "/tmp/edgeaccess-test-pg", "55432", "fast"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"could not start PostgreSQL: {error}");
        }

        return output.Trim().Split('\n')[^1];
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeAccess.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("EdgeAccess.sln not found above the test binaries");
    }
}
