using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeAccess.Edge.LabPolicy.Processes.Internal;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

/// <summary>How <see cref="LocalWarner"/> reaches users on this machine.</summary>
public sealed class LocalWarnerOptions
{
    /// <summary>Write the message to every terminal the user owns (like write(1)).</summary>
    public bool WriteToTerminals { get; set; } = true;

    /// <summary>
    /// An optional command run for each warning, as an argv array (no shell): the first element an
    /// absolute path; placeholders <c>{user}</c>, <c>{uid}</c>, <c>{message}</c>, <c>{resource}</c>
    /// (name), <c>{resource_id}</c> and <c>{deadline}</c> (ISO 8601, UTC) are replaced in every
    /// element. The message is also written to its standard input.
    /// </summary>
    public IReadOnlyList<string> Command { get; set; } = [];

    /// <summary>How long the command may run before it is killed.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the terminals are (<c>/dev</c>; tests use another folder).</summary>
    public string DeviceDirectory { get; set; } = "/dev";
}

/// <summary>A warning for one user.</summary>
/// <param name="Uid">The account.</param>
/// <param name="UserName">Its name.</param>
/// <param name="ResourceId">The resource.</param>
/// <param name="ResourceName">Its name.</param>
/// <param name="Message">The text.</param>
/// <param name="Deadline">When the programs stop.</param>
public sealed record LocalWarning(long Uid, string UserName, string ResourceId, string ResourceName, string Message, DateTimeOffset Deadline);

/// <summary>How a warning went out.</summary>
/// <param name="Terminals">The terminals written to.</param>
/// <param name="CommandExitCode">The command's exit code; null when none is configured; -1 when it did not start or timed out.</param>
/// <param name="CommandError">Why the command failed, if it did.</param>
public sealed record LocalWarningResult(IReadOnlyList<string> Terminals, int? CommandExitCode, string? CommandError);

/// <summary>
/// Tells a user on this machine, also while the node is offline: writes to every terminal the uid
/// owns (<c>/dev/pts/N</c>, <c>/dev/ttyN</c>) without ever blocking (O_NONBLOCK: a stopped terminal
/// drops the text), and runs the optional command with a timeout.
/// </summary>
public sealed class LocalWarner(LocalWarnerOptions options)
{
    /// <summary>Writes to the terminals, then runs the command (bounded by <see cref="LocalWarnerOptions.CommandTimeout"/>).</summary>
    public async Task<LocalWarningResult> WarnAsync(LocalWarning warning, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(warning);
        var terminals = options.WriteToTerminals ? WriteToTerminals(warning.Uid, warning.Message) : [];
        if (options.Command.Count == 0)
        {
            return new LocalWarningResult(terminals, null, null);
        }

        var (exitCode, error) = await RunCommandAsync(warning, cancellationToken).ConfigureAwait(false);
        return new LocalWarningResult(terminals, exitCode, error);
    }

    /// <summary>Writes <paramref name="message"/> to every terminal <paramref name="uid"/> owns; returns their paths.</summary>
    public IReadOnlyList<string> WriteToTerminals(long uid, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = Encoding.UTF8.GetBytes($"\r\n\a*** {message.ReplaceLineEndings("\r\n")} ***\r\n");
        var written = new List<string>();
        foreach (var terminal in Terminals())
        {
            if (LibC.CharacterDeviceOwner(terminal) == uid && LibC.WriteNonBlocking(terminal, text))
            {
                written.Add(terminal);
            }
        }

        return written;
    }

    private IEnumerable<string> Terminals()
    {
        var pts = Path.Combine(options.DeviceDirectory, "pts");
        var candidates = new List<string>();
        if (Directory.Exists(pts))
        {
            candidates.AddRange(Directory.EnumerateFileSystemEntries(pts).Where(p => IsNumber(Path.GetFileName(p.AsSpan()))));
        }

        if (Directory.Exists(options.DeviceDirectory))
        {
            candidates.AddRange(Directory.EnumerateFileSystemEntries(options.DeviceDirectory, "tty*")
                .Where(p => IsNumber(Path.GetFileName(p.AsSpan())[3..])));
        }

        return candidates;

        static bool IsNumber(ReadOnlySpan<char> name) => !name.IsEmpty && !name.ContainsAnyExceptInRange('0', '9');
    }

    private async Task<(int ExitCode, string? Error)> RunCommandAsync(LocalWarning warning, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.Command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in options.Command.Skip(1))
        {
            start.ArgumentList.Add(Expand(argument, warning));
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (-1, $"did not start: {ex.Message}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CommandTimeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.StandardInput.WriteLineAsync(warning.Message.AsMemory(), timeout.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The command does not read its input: fine.
            }

            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await stdout.ConfigureAwait(false);
            var error = (await stderr.ConfigureAwait(false)).Trim();
            return process.ExitCode == 0 ? (0, null) : (process.ExitCode, error.Length > 500 ? error[^500..] : error);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            return (-1, $"timed out after {options.CommandTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
    }

    private static string Expand(string argument, LocalWarning warning) => argument
        .Replace("{user}", warning.UserName, StringComparison.Ordinal)
        .Replace("{uid}", warning.Uid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{message}", warning.Message, StringComparison.Ordinal)
        .Replace("{resource_id}", warning.ResourceId, StringComparison.Ordinal)
        .Replace("{resource}", warning.ResourceName, StringComparison.Ordinal)
        .Replace("{deadline}", warning.Deadline.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
