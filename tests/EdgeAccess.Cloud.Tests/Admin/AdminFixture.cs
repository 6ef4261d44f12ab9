using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Admin;

/// <summary>
/// The real hub on loopback (gRPC and gRPC-web) against its own fresh database, with the site,
/// schedule and grant admin services mapped, and signed-in call options for every role. Like
/// <see cref="HubHost"/>, but it maps those services itself when the hub's own wiring does not
/// (yet), so these tests do not depend on <c>CloudExtensions</c>.
/// </summary>
public sealed partial class AdminFixture : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary><c>http://127.0.0.1:port</c> of the gRPC-web (HTTP/1.1) listener.</summary>
    public Uri WebAddress { get; private set; } = null!;

    /// <summary>A channel to the h2c gRPC listener.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.SiteService</c>.</summary>
    public SiteService.Client Sites { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.ScheduleService</c>.</summary>
    public ScheduleService.Client Schedules { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.GrantService</c>.</summary>
    public GrantService.Client Grants { get; private set; } = null!;

    /// <summary>Call options of a signed-in admin.</summary>
    public CallOptions Admin { get; private set; }

    /// <summary>Call options of a signed-in operator.</summary>
    public CallOptions Operator { get; private set; }

    /// <summary>Call options of a signed-in auditor.</summary>
    public CallOptions Auditor { get; private set; }

    /// <summary>Call options of a signed-in member.</summary>
    public CallOptions Member { get; private set; }

    /// <summary>The running hub.</summary>
    public WebApplication App => _app ?? throw new InvalidOperationException("not started");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateEmptyDatabaseAsync("admin").WithTimeout(TimeSpan.FromSeconds(60));
        var grpcPort = FreePort();
        var webPort = FreePort();
        // Command-line form, so settings read while the builder is configured see them too.
        string[] args =
        [
            $"--EdgeAccess:Database:ConnectionString={connectionString}",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={grpcPort.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:WebPort={webPort.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Secrets:CardHashKey={HubHost.CardHashKey}",
            "--Logging:LogLevel:Default=Warning",
        ];
        _app = CloudHost.Build(args, builder =>
        {
            if (!builder.Services.Any(d => d.ServiceType == typeof(PermissionMap)))
            {
                builder.AddEdgeAccessAuth();
            }
        });
        if (!_app.Services.GetRequiredService<GrpcServiceRegistry>().Contains(SiteService.ServiceName))
        {
            _app.MapEdgeAccessSitesAdmin();
        }

        await _app.StartAsync().WithTimeout(TimeSpan.FromSeconds(60));
        WebAddress = new Uri($"http://127.0.0.1:{webPort}");
        Channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{grpcPort}"));
        Sites = new SiteService.Client(Channel);
        Schedules = new ScheduleService.Client(Channel);
        Grants = new GrantService.Client(Channel);
        Admin = await SignInAsync(UserRole.Admin).WithTimeout();
        Operator = await SignInAsync(UserRole.Operator).WithTimeout();
        Auditor = await SignInAsync(UserRole.Auditor).WithTimeout();
        Member = await SignInAsync(UserRole.Member).WithTimeout();
    }

    /// <summary>A new scope (dispose it) for white-box checks of the database.</summary>
    public AsyncServiceScope CreateScope() => App.Services.CreateAsyncScope();

    /// <summary>Runs <paramref name="query"/> on a fresh database context.</summary>
    public async Task<T> QueryAsync<T>(Func<HubDbContext, Task<T>> query)
    {
        await using var scope = CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<HubDbContext>()).WithTimeout();
    }

    /// <summary>
    /// A user with <paramref name="role"/> and a live session, written straight to the database;
    /// returns call options with its bearer token (base64url of 32 random bytes, stored as SHA-256).
    /// </summary>
    public async Task<CallOptions> SignInAsync(UserRole role)
    {
        await using var scope = CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = TimeProvider.System.GetUtcNow();
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Username = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..20],
            PasswordHash = "not-used-by-these-tests",
            Role = role,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var access = BearerTokens.New();
        db.Users.Add(user);
        // Two saves: the model does not relate sessions to users, so EF would not order the inserts.
        await db.SaveChangesAsync();
        db.Sessions.Add(new Session
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            AccessHash = BearerTokens.Hash(access),
            RefreshHash = BearerTokens.Hash(BearerTokens.New()),
            AccessExpires = now.AddHours(1),
            RefreshExpires = now.AddDays(1),
            CreatedAt = now,
        });
        await db.SaveChangesAsync();
        return new CallOptions(Headers: new Metadata { { "authorization", $"Bearer {access}" } });
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
