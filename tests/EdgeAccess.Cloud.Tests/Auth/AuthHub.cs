using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>
/// A real hub (<see cref="HubHost"/>) with a clock the test moves and its logs captured, plus typed
/// clients and a signed-in admin. Used as a class fixture, or created per test with settings.
/// </summary>
public class AuthHub : IAsyncLifetime
{
    /// <summary>A password every helper-made user gets unless told otherwise.</summary>
    public const string DefaultPassword = "correct horse battery";

    /// <summary>Creates a hub with default settings (xunit fixture constructor).</summary>
    public AuthHub()
        : this(null)
    {
    }

    /// <summary>Creates a hub; <paramref name="settings"/> override the defaults.</summary>
    protected AuthHub(IReadOnlyDictionary<string, string?>? settings)
    {
        Host = new HubHost(settings, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(Clock);
            builder.Logging.AddProvider(Logs);
        });
    }

    /// <summary>The hub's clock.</summary>
    public ManualClock Clock { get; } = new();

    /// <summary>Everything the hub logged.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The hub.</summary>
    public HubHost Host { get; }

    /// <summary><c>edgeaccess.v1.AuthService</c>.</summary>
    public AuthService.Client Auth { get; private set; } = null!;

    /// <summary><c>edgeaccess.v1.UserService</c>.</summary>
    public UserService.Client Users { get; private set; } = null!;

    /// <summary>Call options of a signed-in admin (session written straight to the database).</summary>
    public CallOptions Admin { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Host.InitializeAsync().WithTimeout(TimeSpan.FromSeconds(90));
        Auth = new AuthService.Client(Host.Channel);
        Users = new UserService.Client(Host.Channel);
        Admin = await SignInAsync(UserRole.Admin).WithTimeout();
    }

    /// <summary>
    /// A user with <paramref name="role"/> and a session written straight to the database, like
    /// <see cref="HubHost.SignInAsync"/>, but valid for 30 days of this hub's clock, so tests that
    /// move the clock keep it.
    /// </summary>
    public async Task<CallOptions> SignInAsync(UserRole role)
    {
        await using var scope = Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = Clock.GetUtcNow();
        var user = new Data.Entities.User
        {
            Id = Guid.CreateVersion7(now),
            Username = NewUsername(role.ToString().ToLowerInvariant()),
            PasswordHash = "not used: this user never signs in with a password",
            Role = role,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var access = BearerTokens.New();
        db.Users.Add(user);

        // The model has no navigation between the two, so EF would not order the inserts itself.
        await db.SaveChangesAsync().WithTimeout();
        db.Sessions.Add(new Data.Entities.Session
        {
            Id = Guid.CreateVersion7(now),
            UserId = user.Id,
            AccessHash = BearerTokens.Hash(access),
            RefreshHash = BearerTokens.Hash(BearerTokens.New()),
            AccessExpires = now.AddDays(30),
            RefreshExpires = now.AddDays(30),
            CreatedAt = now,
        });
        await db.SaveChangesAsync().WithTimeout();
        return Bearer(access);
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Host.DisposeAsync();

    /// <summary>Call options carrying <paramref name="accessToken"/>.</summary>
    public static CallOptions Bearer(string accessToken) =>
        new(Headers: new Metadata { { "authorization", $"Bearer {accessToken}" } });

    /// <summary>A fresh user name.</summary>
    public static string NewUsername(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}"[..24];

    /// <summary>Creates a user through the API as the admin; returns it with its name and password.</summary>
    public async Task<(UserAccount User, string Username, string Password)> CreateUserAsync(Role role = Role.Member, string? password = null)
    {
        var username = NewUsername(role.ToString().ToLowerInvariant());
        password ??= DefaultPassword;
        var user = await Users.CreateUserAsync(
            new CreateUserRequest { User = new UserAccount { Username = username, Role = role }, Password = password }, Admin).ResponseAsync.WithTimeout();
        return (user, username, password);
    }

    /// <summary>Signs in through the API.</summary>
    public Task<AuthTokens> LoginAsync(string username, string password) =>
        Auth.LoginAsync(new LoginRequest { Username = username, Password = password }).ResponseAsync.WithTimeout();
}
