using EdgeAccess.Cloud.Tests.Infrastructure;

namespace EdgeAccess.Cli.Tests.Infrastructure;

/// <summary>
/// The real hub with a bootstrap admin and the demo campus ("Demo Campus": Main entrance, Lab 1
/// (spectroscopy), Lab 2 (clean room), Server room; Ada, Ben and Cleo with their cards), for the
/// CLI to talk to. Each <see cref="NewUser"/> is one CLI user with their own config directory.
/// </summary>
public sealed class CliHub : IAsyncLifetime
{
    /// <summary>The bootstrap admin's name.</summary>
    public const string AdminUsername = "admin";

    /// <summary>The bootstrap admin's password (never to appear in any CLI output).</summary>
    public const string AdminPassword = "cli-test-Secret-4242";

    /// <summary>The demo cards: Ada Lovelace, Ben Carter (PIN 4711), Cleo Park (DemoSeeder).</summary>
    public const string AdaCard = "04A1B2C3D4";

    /// <inheritdoc cref="AdaCard"/>
    public const string BenCard = "04A1B2C3D5";

    /// <inheritdoc cref="AdaCard"/>
    public const string CleoCard = "04A1B2C3D6";

    private readonly List<string> _directories = [];

    /// <summary>The hosted hub.</summary>
    public HubHost Host { get; } = new(new Dictionary<string, string?>
    {
        ["EdgeAccess:Bootstrap:AdminUsername"] = AdminUsername,
        ["EdgeAccess:Bootstrap:AdminPassword"] = AdminPassword,
        ["EdgeAccess:Demo:Seed"] = "true",
    });

    /// <summary>The hub's gRPC address as the CLI takes it.</summary>
    public string Address => Host.GrpcAddress.ToString().TrimEnd('/');

    /// <summary>A new CLI user: an empty config directory (no session yet).</summary>
    public CliUser NewUser()
    {
        var directory = Directory.CreateTempSubdirectory("edgeaccess-cli-").FullName;
        lock (_directories)
        {
            _directories.Add(directory);
        }

        return new CliUser(this, Path.Combine(directory, "edgeaccess"));
    }

    /// <summary>A new CLI user, signed in as the admin.</summary>
    public async Task<CliUser> SignedInAdminAsync()
    {
        var user = NewUser();
        var login = await user.LoginAsync();
        Assert.True(login.ExitCode == 0, login.ToString());
        return user;
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Host.InitializeAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
