using System.CommandLine;
using EdgeAccess.Cli.Commands;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Grpc;

namespace EdgeAccess.Cli;

/// <summary>
/// <c>edgeaccess</c>, the hub's admin command-line client. <see cref="RunAsync(string[], TextReader, TextWriter, TextWriter, string, CancellationToken)"/>
/// is the whole program, callable in-process: it parses, runs one command against the hub and
/// answers the exit code (0 done, 1 the hub or the CLI refused, 2 usage error). Errors go to
/// standard error as <c>error: STATUS: message</c>; tokens, passwords and card numbers are never
/// printed.
/// </summary>
public static class CliApp
{
    /// <summary><c>$XDG_CONFIG_HOME/edgeaccess</c>, else <c>~/.config/edgeaccess</c>: where <c>session.json</c> lives.</summary>
    public static string DefaultConfigDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(root, "edgeaccess");
    }

    /// <summary>Runs the command line <paramref name="args"/>; answers the exit code.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdin">Standard input (passwords and card numbers with the <c>-stdin</c> flags). Only <see cref="Console.In"/> on a terminal is prompted on.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where errors and prompts go.</param>
    /// <param name="configDirectory">The directory holding <c>session.json</c>.</param>
    /// <param name="cancellationToken">Cancels the running command.</param>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, string configDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        var interactive = ReferenceEquals(stdin, Console.In) && !Console.IsInputRedirected;
        var context = new CliContext(stdin, stdout, stderr, configDirectory, interactive);
        var root = CommandTree.Build(context);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var safe = CommandTree.Names(root);
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"error: INVALID_ARGUMENT: {Redact(error.Message, args, safe)}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("see: edgeaccess --help").ConfigureAwait(false);
            return 2;
        }

        try
        {
            var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Status}: {ex.Message}").ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (RpcException ex)
        {
            await stderr.WriteLineAsync($"error: {Text.Name(ex.StatusCode)}: {Describe(ex)}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("error: CANCELLED: interrupted").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The session file or an import file could not be read or written.
            await stderr.WriteLineAsync($"error: UNKNOWN: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    // The hub's own message: its contract keeps card numbers, PINs and passwords out of it.
    private static string Describe(RpcException ex) => ex.StatusCode switch
    {
        StatusCode.Unavailable => $"{ex.Status.Detail} (is the hub running? see --hub)",
        StatusCode.PermissionDenied => $"{ex.Status.Detail} (sign in as a user with that role)",
        _ when ex.Status.Detail.Length == 0 => "(no message)",
        _ => ex.Status.Detail,
    };

    // A parse error quotes what the user typed. A word that is not one of our command or option
    // names may be a password or card number typed by mistake as an argument: it is not echoed.
    private static string Redact(string message, string[] args, IReadOnlySet<string> safe)
    {
        // "--option=value" is split by the parser, so its value may be quoted on its own.
        var typed = args.SelectMany(a => a.IndexOfAny(['=', ':']) is var i and >= 0 ? new[] { a, a[(i + 1)..] } : [a]);
        foreach (var arg in typed.Distinct().OrderByDescending(a => a.Length))
        {
            if (arg.Length > 0 && !safe.Contains(arg) && !LooksLikeWord(arg))
            {
                message = message.Replace($"'{arg}'", "'<hidden>'", StringComparison.Ordinal);
            }
        }

        return message;
    }

    // Short words of letters (not all hex digits) are typos of commands, not secrets: passwords
    // have at least 10 characters and card numbers are hex digits.
    private static bool LooksLikeWord(string arg) =>
        arg.Length < 10 && arg.All(char.IsAsciiLetter) && arg.Any(c => !char.IsAsciiHexDigit(c));
}
