using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Cloud.Data.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Storage;

/// <summary>Registers PostgreSQL, the EF Core model, migrations at start and feed wake-ups.</summary>
public static partial class StorageExtensions
{
    /// <summary>Adds the hub's storage services.</summary>
    public static WebApplicationBuilder AddEdgeAccessStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // One data source per process: it owns the connection pool that EF Core and the raw Npgsql
        // paths (feed, compiler bulk work) share.
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var dataSource = new NpgsqlDataSourceBuilder(WithAutoPrepare(options.ConnectionString))
            {
                Name = "edgeaccess-hub",
            };
            dataSource.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return dataSource.Build();
        });
        builder.Services.AddDbContext<HubDbContext>((sp, options) =>
            options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));

        // Registered before the web server, so migrations finish before the first call is accepted.
        builder.Services.AddHostedService<MigrationService>();
        builder.Services.AddSingleton<FeedNotifier>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FeedNotifier>());
        return builder;
    }

    // Npgsql prepares a statement on a connection once it ran twice there (unless the connection
    // string says otherwise): a booking runs some 40 statements, and parsing and planning them was
    // about a third of PostgreSQL's CPU per booking (bench/booking: 146 -> 199 bookings/s).
    internal static string WithAutoPrepare(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 200;
            if (!given.ContainsKey("Auto Prepare Min Usages") && !given.ContainsKey("AutoPrepareMinUsages"))
            {
                builder.AutoPrepareMinUsages = 2;
            }
        }

        return builder.ConnectionString;
    }

    private sealed partial class MigrationService(NpgsqlDataSource dataSource, IOptions<DatabaseOptions> options, ILogger<MigrationService> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.MigrateOnStart)
            {
                return;
            }

            var applied = await SchemaMigrator.MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
            LogMigrated(logger, applied.Count, string.Join(", ", applied));
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(3050, LogLevel.Information, "Database schema up to date ({Count} migrations applied now: {Versions})", EventName = "SchemaMigrated")]
        private static partial void LogMigrated(ILogger logger, int count, string versions);
    }
}
