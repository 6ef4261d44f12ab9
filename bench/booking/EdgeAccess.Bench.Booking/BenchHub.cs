using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using EdgeAccess.Cloud;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Bench.Booking;

/// <summary>
/// The real hub (<see cref="CloudHost"/>) in this process on a fresh database of the private
/// cluster, reached over h2c gRPC on loopback through several channels (one HTTP/2 connection
/// each), and users signed in the way the functional tests do it: a user and a session row written
/// straight into the database, the bearer token sent by the client.
/// </summary>
internal sealed class BenchHub : IAsyncDisposable
{
    public const string Database = "edgeaccess_bench_booking";

    private readonly string _serverConnection;
    private WebApplication? _app;

    private BenchHub(string serverConnection) => _serverConnection = serverConnection;

    /// <summary>The hub database (also used by the benchmark for its checks).</summary>
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>One channel per HTTP/2 connection.</summary>
    public IReadOnlyList<GrpcChannel> Channels { get; private set; } = [];

    public CallOptions Admin { get; private set; }

    public WebApplication App => _app ?? throw new InvalidOperationException("not started");

    /// <summary>Creates the database (dropping an old one) and starts the hub on it.</summary>
    public static async Task<BenchHub> StartAsync(string serverConnection, int connections, string hubConnectionOptions, CancellationToken ct)
    {
        var hub = new BenchHub(serverConnection);
        await hub.ServerSqlAsync($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", ct);
        await hub.ServerSqlAsync($"CREATE DATABASE {Database}", ct);

        // The hub's own pool keeps Npgsql's default size (100), as a production connection string would.
        var builder = new NpgsqlConnectionStringBuilder(serverConnection + (hubConnectionOptions.Length > 0 ? ";" + hubConnectionOptions : ""))
        {
            Database = Database,
            CommandTimeout = 120,
        };
        var connection = builder.ConnectionString;
        hub.DataSource = NpgsqlDataSource.Create(connection);
        var port = FreePort();
        string[] args =
        [
            $"--EdgeAccess:Database:ConnectionString={connection}",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={port.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:WebPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
            "--EdgeAccess:Secrets:CardHashKey=YmVuY2gtb25seS1jYXJkLWhhc2gta2V5LTMyLWJ5dGVz",
            "--Logging:LogLevel:Default=Warning",

            // Every lost race is an exclusion violation that EF Core logs twice at Error, with the
            // stack trace (tens of lines per conflict); the hub answers it correctly anyway, and the
            // benchmark counts any other failure itself.
            "--Logging:LogLevel:Microsoft.EntityFrameworkCore.Update=None",
            "--Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=None",
            "--Logging:Console:LogToStandardErrorThreshold=Trace",
        ];
        hub._app = CloudHost.Build(args);
        await hub._app.StartAsync(ct);

        // Separate channels are separate SocketsHttpHandlers, so separate TCP connections.
        var address = new Uri($"http://127.0.0.1:{port}");
        hub.Channels = [.. Enumerable.Range(0, Math.Max(1, connections)).Select(_ => GrpcChannel.ForAddress(address))];
        hub.Admin = await hub.SignInAsync(Stored.UserRole.Admin, personId: null, ct);
        return hub;
    }

    /// <summary>A user of <paramref name="role"/> linked to <paramref name="personId"/> with a session; its call options.</summary>
    public async Task<CallOptions> SignInAsync(Stored.UserRole role, Guid? personId, CancellationToken ct)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = TimeProvider.System.GetUtcNow();
        var user = new Stored.User
        {
            Id = Guid.CreateVersion7(),
            Username = $"bench-{Guid.NewGuid():N}"[..20],
            PasswordHash = new PasswordHasher<Stored.User>().HashPassword(null!, "bench-password-1"),
            Role = role,
            PersonId = personId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);

        // No navigation between user and session: save the user first so the inserts are ordered.
        await db.SaveChangesAsync(ct);
        var access = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        db.Sessions.Add(new Stored.Session
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            AccessHash = SHA256.HashData(Encoding.UTF8.GetBytes(access)),
            RefreshHash = SHA256.HashData(RandomNumberGenerator.GetBytes(32)),
            AccessExpires = now.AddHours(2),
            RefreshExpires = now.AddDays(1),
            CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        return new CallOptions(Headers: new Metadata { { "authorization", $"Bearer {access}" } });
    }

    /// <summary>A scalar from the hub database.</summary>
    public async Task<T> ScalarAsync<T>(string sql, CancellationToken ct, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in Channels)
        {
            channel.Dispose();
        }

        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }

        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await ServerSqlAsync($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", CancellationToken.None);
    }

    private async Task ServerSqlAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_serverConnection);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
