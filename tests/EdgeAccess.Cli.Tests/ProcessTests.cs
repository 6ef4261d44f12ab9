using System.Diagnostics;
using EdgeAccess.Cli.Tests.Infrastructure;
using EdgeAccess.Cloud.Tests.Infrastructure;

namespace EdgeAccess.Cli.Tests;

/// <summary>The built <c>edgeaccess</c> as a real process: hub from EDGEACCESS_HUB, session under XDG_CONFIG_HOME.</summary>
public sealed class ProcessTests(CliHub hub) : IClassFixture<CliHub>, IDisposable
{
    private readonly string _configHome = Directory.CreateTempSubdirectory("edgeaccess-cli-xdg-").FullName;

    [Fact]
    public async Task Executable_LoginThenDoorsList_WorksAsARealProcess()
    {
        var login = await RunAsync(CliHub.AdminPassword + "\n", "login", "--user", "admin", "--password-stdin");
        var doors = await RunAsync("", "doors", "list");
        var usage = await RunAsync("", "doors", "list", "--no-such-option");

        Assert.True(login.ExitCode == 0, login.ToString());
        var session = Path.Combine(_configHome, "edgeaccess", "session.json");
        Assert.True(File.Exists(session));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(session));
        }

        Assert.True(doors.ExitCode == 0, doors.ToString());
        Assert.Contains("Lab 2 (clean room)", doors.Out, StringComparison.Ordinal);
        Assert.Equal(2, usage.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", usage.Err, StringComparison.Ordinal);
        foreach (var result in new[] { login, doors, usage })
        {
            Secrets.AssertAbsent(result, []);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_configHome, recursive: true);

    private async Task<CliResult> RunAsync(string stdin, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["EDGEACCESS_HUB"] = hub.Address;
        start.Environment["XDG_CONFIG_HOME"] = _configHome;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WithTimeout(TimeSpan.FromSeconds(60));
        return new CliResult(process.ExitCode, await output.WithTimeout(), await error.WithTimeout());
    }

    // The CLI project's own build output, in the configuration these tests were built in.
    private static string CliDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var repo = testBin;
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "EdgeAccess.sln")))
        {
            repo = repo.Parent;
        }

        var dll = Path.Combine(repo!.FullName, "cloud", "EdgeAccess.Cli", "bin", configuration, testBin.Name, "edgeaccess.dll");
        Assert.True(File.Exists(dll), $"{dll} not built");
        return dll;
    }
}
