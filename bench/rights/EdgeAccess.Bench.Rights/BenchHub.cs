using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Compiler;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EdgeAccess.Bench.Rights;

/// <summary>
/// The hub's storage and rights services without the web host, wired as the hub wires them
/// (one <see cref="NpgsqlDataSource"/>, <c>AddDbContext&lt;HubDbContext&gt;(UseNpgsql)</c>,
/// <c>AddEdgeAccessRights()</c>), plus the small queries the benchmark needs around the measurements.
/// </summary>
internal sealed class BenchHub : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public BenchHub(NpgsqlDataSource dataSource)
    {
        var services = new ServiceCollection();
        services.AddLogging(); // no providers: the hub's Debug-level compile logs cost nothing here
        services.AddSingleton(dataSource);
        services.AddDbContext<HubDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddEdgeAccessRights();
        _provider = services.BuildServiceProvider();
        DataSource = dataSource;
    }

    public NpgsqlDataSource DataSource { get; }

    public HubChanges Changes => _provider.GetRequiredService<HubChanges>();

    public RightsCompiler Compiler => _provider.GetRequiredService<RightsCompiler>();

    /// <summary>A fresh scope with its own <see cref="HubDbContext"/>, as one admin request has.</summary>
    public ContextScope NewContext() => new(_provider.CreateAsyncScope());

    /// <summary>The site's feed head (last allocated position).</summary>
    public Task<long> HeadAsync(Guid site, CancellationToken cancellationToken) =>
        ScalarAsync<long>("SELECT head FROM feed_heads WHERE site_id = $1", cancellationToken, site);

    /// <summary>The server's current WAL insert position (pass it to <see cref="WalSinceAsync"/>).</summary>
    public Task<string> WalPositionAsync(CancellationToken cancellationToken) =>
        ScalarAsync<string>("SELECT pg_current_wal_insert_lsn()::text", cancellationToken);

    /// <summary>WAL bytes the whole server wrote since <paramref name="position"/>.</summary>
    public async Task<long> WalSinceAsync(string position, CancellationToken cancellationToken) =>
        (long)await ScalarAsync<decimal>("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)", cancellationToken, position);

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Writes "bench phase: <paramref name="phase"/>" into the server log, so the statements the log
    /// records (run.sh sets log_min_duration_statement) can be attributed to a phase.
    /// </summary>
    public Task MarkAsync(string phase, CancellationToken cancellationToken) =>
        ExecuteAsync($"DO $$BEGIN RAISE LOG 'bench phase: {phase.Replace("'", "''", StringComparison.Ordinal)}'; END$$", cancellationToken);

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    /// <summary>A DI scope and its context; disposing it disposes both.</summary>
    internal sealed class ContextScope(AsyncServiceScope scope) : IAsyncDisposable
    {
        public HubDbContext Db { get; } = scope.ServiceProvider.GetRequiredService<HubDbContext>();

        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }
}
