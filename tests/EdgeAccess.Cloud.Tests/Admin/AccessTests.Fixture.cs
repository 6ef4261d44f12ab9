using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeAccess.Cloud.Admin.Access;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Cards;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Admin;

/// <summary>
/// The real hub on loopback with <c>edgeaccess.v1.AccessQueryService</c> mapped (by the hub's own
/// wiring, or here while it does not map it yet), a clock the tests control, and signed-in call
/// options for every role. The model is written through <see cref="HubChanges"/>, so effective
/// rights are compiled exactly as in production.
/// </summary>
public sealed class AccessQueryFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private GrpcChannel? _channel;

    /// <summary>The hub's clock (starts at the real time; "now" for requests without <c>at</c>).</summary>
    public ManualClock Clock { get; } = new();

    /// <summary>The service under test.</summary>
    public AccessQueryService.Client Client { get; private set; } = null!;

    /// <summary>Signed-in call options per role.</summary>
    public Dictionary<UserRole, CallOptions> As { get; } = [];

    /// <summary>The running hub.</summary>
    public WebApplication App => _app ?? throw new InvalidOperationException("not started");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateEmptyDatabaseAsync("access").WithTimeout(TimeSpan.FromSeconds(60));
        var grpcPort = FreePort();
        string[] args =
        [
            $"--EdgeAccess:Database:ConnectionString={connectionString}",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={grpcPort.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:WebPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Secrets:CardHashKey={HubHost.CardHashKey}",
            "--Logging:LogLevel:Default=Warning",
        ];
        _app = CloudHost.Build(args, builder =>
        {
            if (!builder.Services.Any(d => d.ServiceType == typeof(PermissionMap)))
            {
                builder.AddEdgeAccessAuth();
            }

            if (!builder.Services.Any(d => d.ServiceType == typeof(CardNumberHasher)))
            {
                builder.AddEdgeAccessPeopleAdmin();
            }

            builder.Services.AddSingleton<TimeProvider>(Clock);
        });
        if (!_app.Services.GetRequiredService<GrpcServiceRegistry>().Contains(AccessQueryService.ServiceName))
        {
            _app.MapEdgeAccessAccessQueries();
        }

        await _app.StartAsync().WithTimeout(TimeSpan.FromSeconds(60));
        _channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{grpcPort}"));
        Client = new AccessQueryService.Client(_channel);
        foreach (var role in Enum.GetValues<UserRole>())
        {
            As[role] = await SignInAsync(role).WithTimeout();
        }
    }

    /// <summary>Saves an admin edit through the change processor (compiled, audited, published).</summary>
    public async Task SaveAsync(Action<HubDbContext> edit)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        edit(db);
        await scope.ServiceProvider.GetRequiredService<HubChanges>().SaveAsync(db, new ChangeActor(null, "access-tests"), CancellationToken.None).WithTimeout();
    }

    /// <summary>The stored hash of a card number, as the card API would store it.</summary>
    public byte[] HashNumber(string number)
    {
        Assert.True(CardNumberHasher.TryNormalize(number, out var normalized));
        return App.Services.GetRequiredService<CardNumberHasher>().Hash(normalized);
    }

    private async Task<CallOptions> SignInAsync(UserRole role)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = Clock.GetUtcNow();
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
        await db.SaveChangesAsync();    // the session's foreign key needs the user first
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
        _channel?.Dispose();
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
