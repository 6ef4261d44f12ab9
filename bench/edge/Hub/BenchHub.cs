using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using EdgeAccess.Cloud;
using EdgeAccess.Cloud.Data;

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using Card = EdgeAccess.Protos.V1.Card;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Bench.Edge.Hub;

/// <summary>
/// The real hub (<see cref="CloudHost"/>) in this process on a fresh database of the private
/// cluster, with an admin session (created in the database as the system tests do) and the admin
/// API calls the scenarios need.
/// </summary>
internal sealed class BenchHub : IAsyncDisposable
{
    private readonly string _serverConnection;
    private readonly string _database;
    private WebApplication? _app;

    private BenchHub(string serverConnection, string database)
    {
        _serverConnection = serverConnection;
        _database = database;
    }

    public string ConnectionString { get; private set; } = "";

    public Uri GrpcAddress { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public CallOptions Admin { get; private set; }

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>The admin's call options with a cancellation token.</summary>
    public CallOptions Call(CancellationToken cancellationToken) => Admin with { CancellationToken = cancellationToken };

    public WebApplication App => _app ?? throw new InvalidOperationException("not started");

    /// <summary>Creates the database <paramref name="database"/> (dropping an old one) and starts the hub on it.</summary>
    public static async Task<BenchHub> StartAsync(string serverConnection, string database, string cardHashKey, CancellationToken cancellationToken)
    {
        var hub = new BenchHub(serverConnection, database);
        await using (var admin = new NpgsqlConnection(serverConnection))
        {
            await admin.OpenAsync(cancellationToken);
            foreach (var sql in (string[])[$"DROP DATABASE IF EXISTS {database} WITH (FORCE)", $"CREATE DATABASE {database}"])
            {
                await using var command = new NpgsqlCommand(sql, admin);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        hub.ConnectionString = new NpgsqlConnectionStringBuilder(serverConnection) { Database = database, MaxPoolSize = 120, CommandTimeout = 300 }.ConnectionString;
        hub.DataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        var port = FreePort();
        string[] args =
        [
            $"--EdgeAccess:Database:ConnectionString={hub.ConnectionString}",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={port.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Secrets:CardHashKey={cardHashKey}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:Console:LogToStandardErrorThreshold=Trace",
        ];
        hub._app = CloudHost.Build(args);
        await hub._app.StartAsync(cancellationToken);
        hub.GrpcAddress = new Uri($"http://127.0.0.1:{port}");
        hub.Channel = GrpcChannel.ForAddress(hub.GrpcAddress);
        hub.Admin = await hub.SignInAdminAsync(cancellationToken);
        return hub;
    }

    public SiteService.Client Sites => new(Channel);

    public ScheduleService.Client Schedules => new(Channel);

    public PersonService.Client People => new(Channel);

    public CardService.Client Cards => new(Channel);

    public GrantService.Client Grants => new(Channel);

    public NodeService.Client Nodes => new(Channel);

    /// <summary>A site (Europe/Berlin) with <paramref name="doors"/> doors and an always-open schedule.</summary>
    public async Task<(string SiteId, List<string> Doors, string ScheduleId)> CreateSiteAsync(int doors, CancellationToken cancellationToken)
    {
        var site = await Sites.CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = $"bench-{Guid.NewGuid():N}", TimeZone = "Europe/Berlin" } }, Call(cancellationToken)).ResponseAsync;
        var doorIds = new List<string>();
        for (var i = 0; i < doors; i++)
        {
            var door = await Sites.CreateDoorAsync(new CreateDoorRequest { Door = new Door { SiteId = site.Id, Name = $"door-{i:D3}" } }, Call(cancellationToken)).ResponseAsync;
            doorIds.Add(door.Id);
        }

        var schedule = new Schedule { SiteId = site.Id, Name = "always", IgnoresHolidays = true };
        for (var day = 1; day <= 7; day++)
        {
            schedule.Weekly.Add(new WeeklyInterval { Day = day, StartMinute = 0, EndMinute = 1440 });
        }

        var created = await Schedules.CreateScheduleAsync(new CreateScheduleRequest { Schedule = schedule }, Call(cancellationToken)).ResponseAsync;
        return (site.Id, doorIds, created.Id);
    }

    /// <summary>A person with a card and a direct grant at every door; returns the card.</summary>
    public async Task<Card> AddCardholderAsync(IReadOnlyList<string> doors, string scheduleId, string number, CancellationToken cancellationToken)
    {
        var call = Call(cancellationToken);
        var person = await People.CreatePersonAsync(new CreatePersonRequest { Person = new Person { DisplayName = $"Holder {number}" } }, call).ResponseAsync;
        var card = await Cards.CreateCardAsync(new CreateCardRequest { Card = new Card { PersonId = person.Id, Number = number } }, call).ResponseAsync;
        foreach (var door in doors)
        {
            await Grants.CreateDirectGrantAsync(new CreateDirectGrantRequest
            {
                Grant = new DirectGrant { PersonId = person.Id, DoorId = door, ScheduleId = scheduleId, Reason = "bench" },
            }, call).ResponseAsync;
        }

        return card;
    }

    /// <summary>Registers a node for the site; returns its one-time enrollment code.</summary>
    public async Task<string> CreateNodeAsync(string nodeId, string siteId, CancellationToken cancellationToken) =>
        (await Nodes.CreateNodeAsync(new CreateNodeRequest { NodeId = nodeId, SiteId = siteId }, Call(cancellationToken)).ResponseAsync).EnrollmentCode;

    /// <summary>The site's feed head.</summary>
    public async Task<long> HeadAsync(string siteId, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("SELECT head FROM feed_heads WHERE site_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.Parse(siteId) });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        Channel?.Dispose();
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
        await using var admin = new NpgsqlConnection(_serverConnection);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
        await command.ExecuteNonQueryAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // As the system tests' HubHost: a user and a session straight in the database; the token is
    // base64url of 32 random bytes, stored as SHA-256 of its UTF-8 text.
    private async Task<CallOptions> SignInAdminAsync(CancellationToken cancellationToken)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = TimeProvider.System.GetUtcNow();
        var user = new EdgeAccess.Cloud.Data.Entities.User
        {
            Id = Guid.CreateVersion7(),
            Username = $"bench-{Guid.NewGuid():N}"[..20],
            PasswordHash = new PasswordHasher<EdgeAccess.Cloud.Data.Entities.User>().HashPassword(null!, "bench-password-1"),
            Role = UserRole.Admin,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var access = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        db.Users.Add(user);
        await db.SaveChangesAsync(cancellationToken);
        db.Sessions.Add(new EdgeAccess.Cloud.Data.Entities.Session
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            AccessHash = SHA256.HashData(Encoding.UTF8.GetBytes(access)),
            RefreshHash = SHA256.HashData(RandomNumberGenerator.GetBytes(32)),
            AccessExpires = now.AddHours(2),
            RefreshExpires = now.AddDays(1),
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new CallOptions(Headers: new Metadata { { "authorization", $"Bearer {access}" } });
    }
}
