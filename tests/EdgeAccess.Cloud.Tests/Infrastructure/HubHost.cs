using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Infrastructure;

/// <summary>
/// The real hub, hosted in the test process on free loopback ports against its own fresh
/// PostgreSQL database: gRPC (h2c) on <see cref="GrpcAddress"/>, gRPC-web on <see cref="WebAddress"/>.
/// Use as an xunit class fixture, or create and dispose one per test.
/// </summary>
public sealed class HubHost : IAsyncLifetime
{
    /// <summary>The card-hash key every test hub uses (32 bytes, base64).</summary>
    public const string CardHashKey = "dGVzdC1vbmx5LWNhcmQtaGFzaC1rZXktMzItYnl0ZXM=";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<WebApplicationBuilder>? _configure;
    private WebApplication? _app;

    /// <summary>
    /// Creates a host; extra configuration overrides the defaults, and <paramref name="configure"/>
    /// may replace services (e.g. a fake <see cref="TimeProvider"/>) after the hub registered its own.
    /// </summary>
    public HubHost(IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        _settings = settings?.ToDictionary() ?? [];
        _configure = configure;
    }

    /// <summary>Creates a host with default settings (xunit fixture constructor).</summary>
    public HubHost()
        : this(null)
    {
    }

    /// <summary>The hub database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary><c>http://127.0.0.1:port</c> of the h2c gRPC listener.</summary>
    public Uri GrpcAddress { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:port</c> of the gRPC-web (HTTP/1.1) listener.</summary>
    public Uri WebAddress { get; private set; } = null!;

    /// <summary>A channel to <see cref="GrpcAddress"/>.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>The running application (its services, for white-box checks).</summary>
    public WebApplication App => _app ?? throw new InvalidOperationException("not started");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateEmptyDatabaseAsync("hub");

        // A free port found here can be taken by another test process before Kestrel binds it
        // (test projects run in parallel): try again with fresh ports.
        for (var attempt = 1; ; attempt++)
        {
            var (grpcPort, webPort) = (FreePort(), FreePort());
            try
            {
                await StartAsync(grpcPort, webPort);
                GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
                WebAddress = new Uri($"http://127.0.0.1:{webPort}");
                break;
            }
            catch (IOException) when (attempt < 5)
            {
                await _app!.DisposeAsync();
                _app = null;
            }
        }

        Channel = GrpcChannel.ForAddress(GrpcAddress);
    }

    private async Task StartAsync(int grpcPort, int webPort)
    {
        var settings = new Dictionary<string, string?>
        {
            ["EdgeAccess:Database:ConnectionString"] = ConnectionString,
            ["EdgeAccess:Endpoints:Address"] = "127.0.0.1",
            ["EdgeAccess:Endpoints:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EdgeAccess:Endpoints:WebPort"] = webPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EdgeAccess:Secrets:CardHashKey"] = CardHashKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }

        // Command-line form, so settings read while the builder is configured (the endpoints) see them too.
        var args = settings.Select(s => $"--{s.Key}={s.Value}").ToArray();
        _app = CloudHost.Build(args, _configure);
        await _app.StartAsync().WithTimeout(TimeSpan.FromSeconds(60));
    }

    /// <summary>A new scope's database context (dispose the scope).</summary>
    public AsyncServiceScope CreateScope() => App.Services.CreateAsyncScope();

    /// <summary>
    /// Creates a user with <paramref name="role"/> and a signed-in session directly in the
    /// database, and returns call options carrying its bearer token. The token format is the
    /// hub's: base64url of 32 random bytes, stored as SHA-256 of its UTF-8 text.
    /// </summary>
    public async Task<CallOptions> SignInAsync(UserRole role, Guid? personId = null, string? username = null) =>
        (await SignInUserAsync(role, personId, username)).Call;

    /// <summary>
    /// As <see cref="SignInAsync"/>, also returning the user's id; <paramref name="now"/> is the
    /// hub clock's time (tests that move a manual clock) and the session lasts <paramref name="lifetime"/>
    /// (default an hour). The user has no usable password.
    /// </summary>
    public async Task<(CallOptions Call, Guid UserId)> SignInUserAsync(
        UserRole role, Guid? personId = null, string? username = null, DateTimeOffset? now = null, TimeSpan? lifetime = null)
    {
        await using var scope = CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var at = now ?? DateTimeOffset.UtcNow;
        var user = new User
        {
            Id = Guid.CreateVersion7(at),
            Username = username ?? $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..20],
            PasswordHash = "not used",
            Role = role,
            PersonId = personId,
            CreatedAt = at,
            UpdatedAt = at,
        };
        var access = NewToken();
        db.Users.Add(user);

        // The model has no navigation between the two, so EF would not order the inserts itself.
        await db.SaveChangesAsync();
        db.Sessions.Add(new Session
        {
            Id = Guid.CreateVersion7(at),
            UserId = user.Id,
            AccessHash = SHA256.HashData(Encoding.UTF8.GetBytes(access)),
            RefreshHash = SHA256.HashData(Encoding.UTF8.GetBytes(NewToken())),
            AccessExpires = at + (lifetime ?? TimeSpan.FromHours(1)),
            RefreshExpires = at + (lifetime ?? TimeSpan.FromDays(1)),
            CreatedAt = at,
        });
        await db.SaveChangesAsync();
        return (new CallOptions(Headers: new Metadata { { "authorization", $"Bearer {access}" } }), user.Id);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync().WithTimeout();
            await _app.DisposeAsync();
        }
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
