using System.Text.Json;
using EdgeAccess.Cli.Tests.Infrastructure;

namespace EdgeAccess.Cli.Tests;

/// <summary>login, whoami, logout, the session file and the automatic refresh.</summary>
public sealed class AuthTests(CliHub hub) : IClassFixture<CliHub>
{
    [Fact]
    public async Task Login_PasswordOnStdin_WhoAmIShowsAdmin()
    {
        var user = hub.NewUser();

        var login = await user.LoginAsync();
        var whoami = await user.RunAsync("whoami");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("Signed in", login.Out, StringComparison.Ordinal);
        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        Assert.Matches(@"(?m)^user:\s+admin$", whoami.Out);
        Assert.Matches(@"(?m)^role:\s+ADMIN$", whoami.Out);
        Assert.Equal("", whoami.Err);
    }

    [Fact]
    public async Task Login_WrongPassword_Exit1UnauthenticatedWithoutPassword()
    {
        var user = hub.NewUser();
        const string wrong = "wrong-Password-9876";

        var login = await user.LoginAsync(wrong);

        Assert.Equal(1, login.ExitCode);
        Assert.StartsWith("error: UNAUTHENTICATED: ", login.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, login.Out + login.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(user.SessionPath));
    }

    [Fact]
    public async Task Login_NoTerminalAndNoPasswordStdin_UsageError()
    {
        var result = await hub.NewUser().RunAsync("login", "--user", "admin");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--password-stdin", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_SessionFile_Mode0600InDirectory0700()
    {
        var user = await hub.SignedInAdminAsync();

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(user.SessionPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(user.ConfigDirectory));
        Assert.Equal(2, user.Tokens().Count);
    }

    [Fact]
    public async Task Command_AccessTokenRejected_RefreshesOnceAndRetries()
    {
        var user = await hub.SignedInAdminAsync();
        var refreshBefore = user.Tokens()[1];
        // An access token the hub does not know answers UNAUTHENTICATED, as an expired one does.
        var session = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(user.SessionPath))!;
        session["access_token"] = JsonSerializer.SerializeToElement(new string('A', 43));
        File.WriteAllText(user.SessionPath, JsonSerializer.Serialize(session));

        var whoami = await user.RunAsync("whoami");

        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        Assert.Matches(@"(?m)^user:\s+admin$", whoami.Out);
        var after = user.Tokens();
        Assert.NotEqual(new string('A', 43), after[0]);
        Assert.NotEqual(refreshBefore, after[1]);
    }

    [Fact]
    public async Task Command_NotSignedIn_Exit1Unauthenticated()
    {
        var result = await hub.NewUser().RunAsync("doors", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: UNAUTHENTICATED: not signed in", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_SignedIn_EndsSessionAndRemovesFile()
    {
        var user = await hub.SignedInAdminAsync();

        var logout = await user.RunAsync("logout");
        var whoami = await user.RunAsync("whoami");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.False(File.Exists(user.SessionPath));
        Assert.Equal(1, whoami.ExitCode);
        Assert.StartsWith("error: UNAUTHENTICATED: ", whoami.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_CardNumberAsArgument_UsageErrorWithoutEchoingIt()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("card", "find", CliHub.AdaCard);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", result.Err, StringComparison.Ordinal);
    }
}
