using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Grpc.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using AccessPointClient = EdgeAccess.Protos.V1.AccessPoint.Client;

namespace EdgeAccess.Edge.Tests.Infrastructure;

/// <summary>
/// The real edge node in the test process on free loopback ports, with a temporary data directory
/// seeded with <see cref="TestSite"/>, a clock the tests set, captured logs, and a hub address on a
/// closed port (offline: decisions are local anyway).
/// </summary>
public sealed class EdgeNodeHost : IAsyncLifetime
{
    private readonly string[] _extraArgs;
    private WebApplication? _app;

    /// <summary>A node with the default arguments (xunit fixture constructor).</summary>
    public EdgeNodeHost()
        : this([])
    {
    }

    /// <summary>A node with extra command-line arguments; <c>{data}</c> in them stands for <see cref="DataDirectory"/>.</summary>
    internal EdgeNodeHost(params string[] extraArgs) => _extraArgs = extraArgs;

    /// <summary>The node's clock (starts in office hours).</summary>
    public ManualClock Clock { get; } = new(TestSite.InOfficeHours);

    /// <summary>Every log line of the node.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The temporary data directory (replica.db, journal.db).</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "edgeaccess-edge-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A channel to the h2c gRPC port.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>The access point client.</summary>
    public AccessPointClient Client { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await TestSite.SeedAsync(DataDirectory, CancellationToken.None);
        var grpcPort = FreePort();
        string[] args =
        [
            "--EdgeAccess:Edge:NodeId=edge-test",
            $"--EdgeAccess:Edge:HubAddress=http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Edge:CardHashKey={TestSite.CardHashKey}",
            $"--EdgeAccess:Edge:DataDirectory={DataDirectory}",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={grpcPort.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:WebPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
            "--Logging:LogLevel:Default=Trace",
            .. _extraArgs.Select(a => a.Replace("{data}", DataDirectory, StringComparison.Ordinal)),
        ];
        _app = EdgeHost.Build(args, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(Clock);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(Logs);
        });
        await _app.StartAsync().WithTimeout(TimeSpan.FromSeconds(60));
        Channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{grpcPort}"));
        Client = new AccessPointClient(Channel);
    }

    /// <summary>Stops the node (journal and replica closed), keeping the data directory.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WithTimeout();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Every journal entry, read after <see cref="StopAsync"/> by reopening journal.db.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ReadJournalAsync()
    {
        using var journal = EventJournal.Open(new ReplicaOptions { DataDirectory = DataDirectory });
        return await journal.ReadUnackedAsync(0, 100_000).WithTimeout();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        await StopAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
