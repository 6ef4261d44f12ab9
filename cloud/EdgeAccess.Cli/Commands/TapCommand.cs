using System.CommandLine;
using System.Globalization;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary>
/// <c>tap</c>: plays a door controller. Sends card taps straight to an edge node's local
/// <c>AccessPoint.Check</c> (no hub, no sign-in) and prints each decision. Card numbers come from
/// standard input only, one per line, and are shown by their last 4 characters only.
/// </summary>
internal static class TapCommand
{
    /// <summary>deploy/local/up.sh's first edge node.</summary>
    public const string DefaultEdge = "http://127.0.0.1:5200";

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    public static Command Create(CliContext cli)
    {
        var edge = new Option<string>("--edge")
        {
            Description = $"The edge node's gRPC address (default {DefaultEdge}), or unix:/path/to/socket for its Unix socket",
            HelpName = "URL",
            DefaultValueFactory = _ => DefaultEdge,
        };
        var door = new Option<string>("--door") { Description = "The door's id (see: doors list); the edge node knows doors by id only", HelpName = "ID", Required = true };
        var pinStdin = new Option<bool>("--pin-stdin")
        {
            Description = "Send a PIN with each tap: the line after each card number is its PIN (prompted without echo on a terminal)",
        };
        var command = new Command("tap", "Tap cards at an edge node's door, as its door controller would: card numbers from standard input, one per line")
        {
            edge, door, pinStdin,
        };
        command.SetAction(async (r, ct) =>
        {
            var address = r.GetValue(edge) ?? DefaultEdge;
            var socket = address.StartsWith("unix:", StringComparison.Ordinal) ? address["unix:".Length..] : null;
            Uri? uri = null;
            if (socket is { Length: 0 }
                || (socket is null && (!Uri.TryCreate(address, UriKind.Absolute, out uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))))
            {
                throw CliException.Usage("--edge must be an http:// or https:// address, e.g. " + DefaultEdge + ", or unix:/path/to/socket");
            }

            var doorId = r.GetRequiredValue(door).Trim();
            if (doorId.Length == 0)
            {
                throw CliException.Usage("--door is empty: give the door's id (see: edgeaccess doors list)");
            }

            var withPin = r.GetValue(pinStdin);
            using var channel = socket is null ? GrpcChannel.ForAddress(uri!) : GrpcChannel.ForUnixSocket(socket);
            var shown = socket is null ? uri!.GetLeftPart(UriPartial.Authority) : "unix:" + socket;
            var client = new AccessPoint.Client(channel);
            var taps = 0;
            await foreach (var (number, pin) in TapsAsync(cli, withPin, ct))
            {
                var request = new CheckRequest { DoorId = doorId, CardNumber = number };
                if (pin is not null)
                {
                    request.Pin = pin;
                }

                var answer = await CheckAsync(client, request, shown, ct);
                taps++;
                if (r.GetValue(cli.Json))
                {
                    ProtoJson.Write(cli.Out, answer);
                }
                else
                {
                    cli.Out.WriteLine(Describe(number, answer));
                }
            }

            return taps > 0 ? 0 : throw CliException.Usage("no card number on standard input: write one per line, e.g. edgeaccess tap --door ID < cards.txt");
        });
        return command;
    }

    /// <summary>One line per tap: verdict, the card's last 4 characters, reason, replica position, journal seq, flags.</summary>
    public static string Describe(string number, CheckResponse answer)
    {
        var flags = new List<string>();
        if (answer.Flags?.RightsStale == true)
        {
            flags.Add("rights_stale");
        }

        if (answer.Flags?.DegradedPolicyApplied == true)
        {
            flags.Add("degraded_policy");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{(answer.Granted ? "GRANTED" : "DENIED "),-7}  card {LastFour(number)}  reason: {Text.Name(answer.Reason)}  replica position: {answer.ReplicaPosition}  journal seq: {answer.JournalSeq}  flags: {(flags.Count == 0 ? "-" : string.Join(",", flags))}");
    }

    /// <summary>The card number as it may be shown: <c>****</c> and its last 4 hex digits (spaces and dashes dropped).</summary>
    public static string LastFour(string number)
    {
        var digits = new string([.. number.Where(char.IsAsciiLetterOrDigit)]).ToUpperInvariant();
        return Text.Card(digits.Length <= 4 ? digits : digits[^4..]);
    }

    // Card numbers (and PINs) as the user gives them: prompted once without echo on a terminal,
    // otherwise every non-empty line of standard input (with --pin-stdin: number line, PIN line).
    private static async IAsyncEnumerable<(string Number, string? Pin)> TapsAsync(CliContext cli, bool withPin, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (cli.Interactive)
        {
            var number = await cli.ReadSecretAsync("Card number: ", true, "stdin", ct);
            yield return (number, withPin ? await cli.ReadSecretAsync("PIN: ", true, "--pin-stdin", ct) : null);
            yield break;
        }

        while (await cli.In.ReadLineAsync(ct) is { } line)
        {
            var number = line.Trim();
            if (number.Length == 0)
            {
                continue;
            }

            string? pin = null;
            if (withPin)
            {
                pin = (await cli.In.ReadLineAsync(ct))?.Trim();
                if (string.IsNullOrEmpty(pin))
                {
                    throw CliException.Usage($"--pin-stdin: no PIN on the line after card {LastFour(number)}");
                }
            }

            yield return (number, pin);
        }
    }

    private static async Task<CheckResponse> CheckAsync(AccessPoint.Client client, CheckRequest request, string edge, CancellationToken ct)
    {
        try
        {
            using var call = client.CheckAsync(request, new CallOptions(Deadline: TimeProvider.System.GetUtcNow().UtcDateTime + CallTimeout, CancellationToken: ct));
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            // The edge's messages name the field, never the card number or PIN (access_point.proto).
            var detail = ex.Status.Detail.Length == 0 ? "(no message)" : ex.Status.Detail;
            var hint = ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded ? $" (is the edge node at {edge} running? see --edge)" : "";
            throw new CliException(Text.Name(ex.StatusCode), detail + hint);
        }
    }
}
