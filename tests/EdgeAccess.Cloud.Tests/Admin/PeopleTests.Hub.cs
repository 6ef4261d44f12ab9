using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights.Cards;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

/// <summary>
/// The real hub on loopback against its own fresh database, with the people admin services
/// (people, cards, groups, memberships, audit, import) mapped, typed clients and signed-in call
/// options for every role. Like <see cref="HubHost"/>, but it wires those services itself when
/// the hub's own <c>CloudExtensions</c> does not (yet), so these tests run either way.
/// </summary>
public sealed class PeopleHub : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary><c>http://127.0.0.1:port</c> of the gRPC-web (HTTP/1.1) listener.</summary>
    public Uri WebAddress { get; private set; } = null!;

    /// <summary>A channel to the h2c gRPC listener.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.PersonService</c>.</summary>
    public PersonService.Client People { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.CardService</c>.</summary>
    public CardService.Client Cards { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.GroupService</c>.</summary>
    public GroupService.Client Groups { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.MembershipService</c>.</summary>
    public MembershipService.Client Memberships { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.AuditService</c>.</summary>
    public AuditService.Client Audit { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.ImportService</c>.</summary>
    public ImportService.Client Import { get; private set; } = null!;

    /// <summary>Call options of a signed-in admin.</summary>
    public CallOptions Admin { get; private set; }

    /// <summary>The user name of <see cref="Admin"/> (the audit trail's actor).</summary>
    public string AdminName { get; private set; } = "";

    /// <summary>Call options of a signed-in operator.</summary>
    public CallOptions Operator { get; private set; }

    /// <summary>Call options of a signed-in auditor.</summary>
    public CallOptions Auditor { get; private set; }

    /// <summary>Call options of a signed-in member linked to no person.</summary>
    public CallOptions Member { get; private set; }

    /// <summary>The running hub.</summary>
    public WebApplication App => _app ?? throw new InvalidOperationException("not started");

    /// <summary>A name no other test uses, e.g. <c>Ada 3f2a9c1b</c>.</summary>
    public static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateEmptyDatabaseAsync("people").WithTimeout(TimeSpan.FromSeconds(60));
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

            if (!builder.Services.Any(d => d.ServiceType == typeof(CardNumberHasher)))
            {
                builder.AddEdgeAccessPeopleAdmin();
            }
        });
        if (!_app.Services.GetRequiredService<GrpcServiceRegistry>().Contains(PersonService.ServiceName))
        {
            _app.MapEdgeAccessPeopleAdmin();
        }

        await _app.StartAsync().WithTimeout(TimeSpan.FromSeconds(60));
        WebAddress = new Uri($"http://127.0.0.1:{webPort}");
        Channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{grpcPort}"));
        People = new PersonService.Client(Channel);
        Cards = new CardService.Client(Channel);
        Groups = new GroupService.Client(Channel);
        Memberships = new MembershipService.Client(Channel);
        Audit = new AuditService.Client(Channel);
        Import = new ImportService.Client(Channel);
        AdminName = Unique("admin").Replace(' ', '-');
        Admin = await SignInAsync(UserRole.Admin, username: AdminName).WithTimeout();
        Operator = await SignInAsync(UserRole.Operator).WithTimeout();
        Auditor = await SignInAsync(UserRole.Auditor).WithTimeout();
        Member = await SignInAsync(UserRole.Member).WithTimeout();
    }

    /// <summary>Runs <paramref name="query"/> on a fresh database context.</summary>
    public async Task<T> QueryAsync<T>(Func<HubDbContext, Task<T>> query)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<HubDbContext>()).WithTimeout();
    }

    /// <summary>How many rows of <typeparamref name="T"/> match <paramref name="predicate"/>.</summary>
    public Task<int> CountAsync<T>(System.Linq.Expressions.Expression<Func<T, bool>> predicate)
        where T : class => QueryAsync(db => db.Set<T>().AsNoTracking().CountAsync(predicate));

    /// <summary>
    /// A user with <paramref name="role"/> (linked to <paramref name="personId"/>) and a live
    /// session, written straight to the database; returns call options with its bearer token.
    /// </summary>
    public async Task<CallOptions> SignInAsync(UserRole role, Guid? personId = null, string? username = null)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = TimeProvider.System.GetUtcNow();
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Username = username ?? $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..20],
            PasswordHash = "not-used-by-these-tests",
            Role = role,
            PersonId = personId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var access = BearerTokens.New();
        db.Users.Add(user);

        // Two saves: the model maps no user-session relationship, so one batch could insert the
        // session before its user.
        await db.SaveChangesAsync().WithTimeout();
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
        await db.SaveChangesAsync().WithTimeout();
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
