using System.Text.Json;
using EdgeAccess.Cloud.Tests.Infrastructure;

namespace EdgeAccess.Cli.Tests.Infrastructure;

/// <summary>What one CLI run printed.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    /// <inheritdoc />
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Err}";
}

/// <summary>
/// One CLI user (one config directory) running <c>edgeaccess</c> in-process against a
/// <see cref="CliHub"/>. Every run is checked: its output holds no password, token or card number.
/// </summary>
public sealed class CliUser(CliHub hub, string configDirectory)
{
    /// <summary>Where the session file lives.</summary>
    public string ConfigDirectory { get; } = configDirectory;

    /// <summary>The session file.</summary>
    public string SessionPath => Path.Combine(ConfigDirectory, "session.json");

    /// <summary>Runs <c>edgeaccess --hub HUB args…</c> with empty standard input.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync("", args);

    /// <summary>Runs <c>edgeaccess --hub HUB args…</c> with <paramref name="stdin"/> as standard input.</summary>
    public async Task<CliResult> RunWithInputAsync(string stdin, params string[] args)
    {
        var tokensBefore = Tokens();
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] all = ["--hub", hub.Address, .. args];
        var code = await CliApp.RunAsync(all, new StringReader(stdin), output, error, ConfigDirectory).WithTimeout();
        var result = new CliResult(code, output.ToString(), error.ToString());
        Secrets.AssertAbsent(result, [.. tokensBefore, .. Tokens()]);
        return result;
    }

    /// <summary>Signs in as the admin, password on standard input.</summary>
    public Task<CliResult> LoginAsync(string password = CliHub.AdminPassword) =>
        RunWithInputAsync(password + "\n", "login", "--user", CliHub.AdminUsername, "--password-stdin");

    /// <summary>The access and refresh token in the session file (none when there is no file).</summary>
    public IReadOnlyList<string> Tokens()
    {
        if (!File.Exists(SessionPath))
        {
            return [];
        }

        using var json = JsonDocument.Parse(File.ReadAllText(SessionPath));
        return [json.RootElement.GetProperty("access_token").GetString()!, json.RootElement.GetProperty("refresh_token").GetString()!];
    }
}
