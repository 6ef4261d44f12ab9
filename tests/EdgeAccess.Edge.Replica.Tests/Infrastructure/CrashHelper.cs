using System.Diagnostics;

namespace EdgeAccess.Edge.Replica.Tests.Infrastructure;

/// <summary>Runs EdgeAccess.Edge.Replica.CrashHelper and SIGKILLs it when it prints a chosen line.</summary>
internal static class CrashHelper
{
    /// <summary>Starts the helper, waits for <paramref name="killAtLine"/>, kills the process tree.</summary>
    /// <returns>The lines printed before the kill.</returns>
    public static async Task<List<string>> RunAndKillAsync(string killAtLine, CancellationToken cancellationToken, params string[] args)
    {
        var helper = Path.Combine(AppContext.BaseDirectory, "EdgeAccess.Edge.Replica.CrashHelper.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(helper);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var lines = new List<string>();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TestTimeouts.Default);
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line == killAtLine)
                {
                    return lines;
                }
            }

            var error = await process.StandardError.ReadToEndAsync(timeout.Token);
            throw new InvalidOperationException($"Helper ended before printing '{killAtLine}': {string.Join('|', lines)} {error}");
        }
        finally
        {
            // SIGKILL: no finally blocks, no disposal, no SQLite close in the helper.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default, CancellationToken.None);
        }
    }
}
