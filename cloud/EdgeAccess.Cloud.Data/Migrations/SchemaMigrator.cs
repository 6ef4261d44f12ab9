using Npgsql;

namespace EdgeAccess.Cloud.Data.Migrations;

/// <summary>
/// Applies the ordered SQL files embedded from <c>Migrations/NNNN_name.sql</c>. Each file runs once,
/// in its own transaction, recorded in <c>schema_migrations</c>. A session advisory lock serialises
/// hubs that start together against one database, so a migration never runs twice.
/// </summary>
public static class SchemaMigrator
{
    // Arbitrary but fixed: "EdgeAccess schema" as a 64-bit advisory lock key.
    private const long AdvisoryLockKey = 0x4564_6765_5363_6865;
    private const string ResourcePrefix = "EdgeAccess.Cloud.Data.Migrations.";

    /// <summary>The migrations this build carries, in order: (version, SQL).</summary>
    public static IReadOnlyList<(string Version, string Sql)> Available { get; } = LoadAvailable();

    /// <summary>Applies every migration the database lacks; returns the versions applied now.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken).ConfigureAwait(false);

            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var command = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            var appliedNow = new List<string>();
            foreach (var (version, sql) in Available)
            {
                if (applied.Contains(version))
                {
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version) VALUES ($1)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter { Value = version });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                appliedNow.Add(version);
            }

            // New types (e.g. from an extension) must be visible to this data source's connections.
            if (appliedNow.Count > 0)
            {
                await connection.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
            }

            return appliedNow;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<(string, string)> LoadAvailable()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var result = new List<(string, string)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            result.Add((name[ResourcePrefix.Length..^4], reader.ReadToEnd()));
        }

        return result;
    }
}
