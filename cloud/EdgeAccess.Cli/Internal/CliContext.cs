using System.CommandLine;
using Google.Protobuf;

namespace EdgeAccess.Cli.Internal;

/// <summary>
/// What every command of one invocation shares: the standard streams, the config directory, the
/// global options (<c>--hub</c>, <c>--json</c>) and how to reach the hub.
/// </summary>
internal sealed partial class CliContext(TextReader stdin, TextWriter stdout, TextWriter stderr, string configDirectory, bool interactive)
{
    /// <summary>The hub when neither <c>--hub</c> nor <c>EDGEACCESS_HUB</c> names one (deploy/local/up.sh's hub).</summary>
    public const string DefaultHub = "http://127.0.0.1:5100";

    public TextReader In { get; } = stdin;

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>True when standard input is a terminal we may prompt on (without echo).</summary>
    public bool Interactive { get; } = interactive;

    public SessionStore Sessions { get; } = new(configDirectory);

    public Option<string> Hub { get; } = new("--hub")
    {
        Description = $"The hub's gRPC address (default: $EDGEACCESS_HUB, else {DefaultHub})",
        HelpName = "URL",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("EDGEACCESS_HUB") is { Length: > 0 } hub ? hub : DefaultHub,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the hub's responses as protobuf JSON instead of text",
        Recursive = true,
    };

    /// <summary>Runs <paramref name="action"/> for <paramref name="command"/> with a connection to the hub.</summary>
    public void SetAction(Command command, Func<ParseResult, HubConnection, CancellationToken, Task<int>> action) =>
        command.SetAction(async (result, ct) =>
        {
            using var hub = Connect(result);
            return await action(result, hub, ct).ConfigureAwait(false);
        });

    /// <summary>Prints <paramref name="message"/> as JSON with <c>--json</c>, else runs <paramref name="text"/>.</summary>
    public int Emit(ParseResult result, IMessage message, Action text)
    {
        if (result.GetValue(Json))
        {
            ProtoJson.Write(Out, message);
        }
        else
        {
            text();
        }

        return 0;
    }

    private HubConnection Connect(ParseResult result)
    {
        var address = result.GetValue(Hub) ?? DefaultHub;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var hub) || (hub.Scheme != Uri.UriSchemeHttp && hub.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.Usage("--hub must be an http:// or https:// address, e.g. " + DefaultHub);
        }

        return new HubConnection(hub, Sessions);
    }
}
