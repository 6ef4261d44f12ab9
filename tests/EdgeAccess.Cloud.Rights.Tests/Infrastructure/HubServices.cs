using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Compiler;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EdgeAccess.Cloud.Tests.Infrastructure;

/// <summary>
/// The hub's storage and rights services without the web host, on a fresh migrated database: for
/// tests of the compiler and the feed that need many fast transactions.
/// </summary>
public sealed class HubServices : IAsyncLifetime
{
    private ServiceProvider? _provider;

    /// <summary>The database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The shared data source.</summary>
    public NpgsqlDataSource DataSource => Provider.GetRequiredService<NpgsqlDataSource>();

    /// <summary>The change processor.</summary>
    public HubChanges Changes => Provider.GetRequiredService<HubChanges>();

    /// <summary>The compiler.</summary>
    public RightsCompiler Compiler => Provider.GetRequiredService<RightsCompiler>();

    /// <summary>The hub's clock (see <see cref="TestClock"/>).</summary>
    public TestClock Clock { get; } = new();

    /// <summary>The container.</summary>
    public ServiceProvider Provider => _provider ?? throw new InvalidOperationException("not initialized");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateMigratedDatabaseAsync("svc");
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(_ => NpgsqlDataSource.Create(ConnectionString));
        services.AddDbContext<HubDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddEdgeAccessRights();
        _provider = services.BuildServiceProvider();
    }

    /// <summary>A fresh context (dispose it).</summary>
    public HubDbContext NewContext() => Provider.CreateScope().ServiceProvider.GetRequiredService<HubDbContext>();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}
