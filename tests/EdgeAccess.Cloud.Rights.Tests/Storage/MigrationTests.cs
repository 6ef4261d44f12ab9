using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Migrations;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Storage;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesEveryMigrationOnce()
    {
        var connectionString = await PostgresServer.CreateEmptyDatabaseAsync("mig");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var first = await SchemaMigrator.MigrateAsync(dataSource, CancellationToken.None).WithTimeout();
        var second = await SchemaMigrator.MigrateAsync(dataSource, CancellationToken.None).WithTimeout();

        Assert.Equal(SchemaMigrator.Available.Select(m => m.Version), first);
        Assert.Empty(second);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)SchemaMigrator.Available.Count, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Migrate_ManyHubsStartingTogether_AppliesEachMigrationExactlyOnce()
    {
        var connectionString = await PostgresServer.CreateEmptyDatabaseAsync("migc");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => SchemaMigrator.MigrateAsync(dataSource, CancellationToken.None)))).WithTimeout();

        Assert.Equal(SchemaMigrator.Available.Count, results.Sum(r => r.Count));
    }

    [Fact]
    public async Task EfModel_MigratedDatabase_MatchesEveryTableAndColumn()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("model");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var columns = new Dictionary<(string Table, string Column), (string Type, bool Nullable)>();
        await using (var command = dataSource.CreateCommand("""
            SELECT table_name, column_name, udt_name, is_nullable = 'YES' FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns[(reader.GetString(0), reader.GetString(1))] = (reader.GetString(2), reader.GetBoolean(3));
            }
        }

        await using var db = new HubDbContext(new DbContextOptionsBuilder<HubDbContext>().UseNpgsql(dataSource).Options);
        var mapped = new HashSet<(string, string)>();
        var problems = new List<string>();
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var id = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table);
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(id)!;
                mapped.Add((table, column));
                if (!columns.TryGetValue((table, column), out var actual))
                {
                    problems.Add($"{table}.{column} is mapped but missing from the schema");
                    continue;
                }

                var expectedType = NormalizeType(property.GetColumnType());
                if (expectedType != actual.Type)
                {
                    problems.Add($"{table}.{column}: EF type {expectedType}, schema type {actual.Type}");
                }

                if (property.IsNullable != actual.Nullable)
                {
                    problems.Add($"{table}.{column}: EF nullable={property.IsNullable}, schema nullable={actual.Nullable}");
                }
            }
        }

        problems.AddRange(columns.Keys.Where(c => !mapped.Contains(c)).Select(c => $"{c.Table}.{c.Column} exists in the schema but is not mapped"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static string NormalizeType(string efType) => efType switch
    {
        "uuid" => "uuid",
        "text" => "text",
        "boolean" => "bool",
        "smallint" => "int2",
        "integer" => "int4",
        "bigint" => "int8",
        "bytea" => "bytea",
        "jsonb" => "jsonb",
        "date" => "date",
        "timestamp with time zone" => "timestamptz",
        "text[]" => "_text",   // information_schema names an array type by its element with a leading underscore
        _ => efType,
    };
}
