using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EdgeAccess.Edge.LabPolicy.Grants;

/// <summary>What one run of a command gave.</summary>
/// <param name="Argv">The argv as executed.</param>
/// <param name="ExitCode">The exit code; -1 when it did not start or timed out.</param>
/// <param name="Output">Standard output (at most <see cref="CommandRunner.MaxOutputChars"/> characters), for list commands.</param>
/// <param name="Error">The tail of standard error, or why it did not run; empty on success.</param>
public sealed record CommandOutcome(IReadOnlyList<string> Argv, int ExitCode, string Output, string Error)
{
    /// <summary>Exit code 0.</summary>
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs an argv without a shell (<see cref="ProcessStartInfo.UseShellExecute"/> off, one
/// <see cref="ProcessStartInfo.ArgumentList"/> entry per argument), with standard input closed, a
/// timeout after which the whole process tree is killed, standard output kept (bounded) and the
/// tail of standard error kept for the journal.
/// </summary>
public sealed class CommandRunner
{
    /// <summary>The most characters of standard output kept.</summary>
    public const int MaxOutputChars = 1 << 20;

    /// <summary>The most characters of standard error kept (its end: the last lines say what went wrong).</summary>
    public const int ErrorTailChars = 512;

    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <summary>Creates a runner.</summary>
    /// <param name="timeout">How long a command may run before it is killed.</param>
    /// <param name="time">The clock of the timeout.</param>
    public CommandRunner(TimeSpan timeout, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _timeout = timeout;
        _time = time;
    }

    /// <summary>Runs <paramref name="argv"/> (absolute executable first) and waits for it, at most the timeout.</summary>
    /// <param name="argv">The executable and its arguments, as rendered by <see cref="CommandTemplate.Render"/>.</param>
    /// <param name="cancellationToken">Kills the command (the node is stopping).</param>
    public async Task<CommandOutcome> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var start = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in argv.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        // The node's own settings may carry secrets (the card-hash key, an enrollment code) in its
        // environment; a site's grant script has no business with them.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("EdgeAccess", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        // Messages and list output in a stable, parseable form whatever the node's locale.
        start.Environment["LC_ALL"] = "C";
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            return new CommandOutcome(argv, -1, "", $"did not start: {ex.Message}");
        }

        try
        {
            // Nothing to read: a command that asks (a password prompt) gets end-of-file, not a hang.
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited already.
        }

        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var output = ReadBoundedAsync(process.StandardOutput, MaxOutputChars, keepEnd: false);
        var error = ReadBoundedAsync(process.StandardError, ErrorTailChars, keepEnd: true);
        try
        {
            await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            // The pipes close once the tree is gone; a grandchild that escaped the tree is not waited for.
            await Task.WhenAny(Task.WhenAll(output, error), Task.Delay(TimeSpan.FromSeconds(1), _time, CancellationToken.None)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new CommandOutcome(argv, -1, "", string.Create(CultureInfo.InvariantCulture, $"timed out after {_timeout.TotalSeconds:0.#} s and was killed"));
        }

        // The process exited; its pipes end when every holder of them is gone. Bounded, so a
        // daemon child that inherited them cannot hold the reconciler.
        var drained = Task.WhenAll(output, error);
        await Task.WhenAny(drained, Task.Delay(TimeSpan.FromSeconds(1), _time, CancellationToken.None)).ConfigureAwait(false);
        var stdout = output.IsCompletedSuccessfully ? output.Result : "";
        var stderr = error.IsCompletedSuccessfully ? error.Result.Trim() : "";
        return new CommandOutcome(argv, process.ExitCode, stdout, process.ExitCode == 0 ? "" : stderr.Length > 0 ? stderr : $"exit code {process.ExitCode}");
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    // Reads a stream to its end keeping at most `limit` characters: the start (output) or the end (error tail).
    private static async Task<string> ReadBoundedAsync(StreamReader reader, int limit, bool keepEnd)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (keepEnd)
            {
                kept.Append(buffer, 0, read);
                if (kept.Length > limit)
                {
                    kept.Remove(0, kept.Length - limit);
                }
            }
            else if (kept.Length < limit)
            {
                kept.Append(buffer, 0, Math.Min(read, limit - kept.Length));
            }
        }

        return kept.ToString();
    }
}
