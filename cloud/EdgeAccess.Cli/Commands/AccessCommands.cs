using System.CommandLine;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cli.Commands;

/// <summary><c>explain</c> (why may this card open this door?) and <c>who-can-open</c>.</summary>
internal static class AccessCommands
{
    public static IEnumerable<Command> Create(CliContext cli) => [Explain(cli), WhoCanOpen(cli)];

    private static Command Explain(CliContext cli)
    {
        var card = new Option<string>("--card") { Description = "The card's id", HelpName = "ID" };
        var numberStdin = new Option<bool>("--card-number-stdin")
        {
            Description = "Name the card by its number, read from the first line of standard input (prompted without echo on a terminal)",
        };
        var door = DoorOption();
        var at = AtOption();
        var command = new Command("explain", "Explain whether a card opens a door at a time, and why (every grant path)") { card, numberStdin, door, at };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var cardId = r.GetValue(card);
            var byNumber = r.GetValue(numberStdin);
            if ((cardId is null) == !byNumber)
            {
                throw CliException.Usage("name the card with exactly one of --card ID or --card-number-stdin");
            }

            var target = await hub.DoorAsync(r.GetRequiredValue(door), ct);
            var request = new ExplainAccessRequest { DoorId = target.Id, At = await AtAsync(hub, target, r.GetValue(at), ct) };
            if (cardId is not null)
            {
                request.CardId = Guid.TryParse(cardId.Trim(), out var id)
                    ? id.ToString()
                    : throw CliException.Usage("--card must be a card id (a UUID); to name a card by its number use --card-number-stdin");
            }
            else
            {
                request.CardNumber = await cli.ReadSecretAsync("Card number: ", byNumber, "--card-number-stdin", ct);
            }

            var answer = await hub.CallAsync(o => hub.Access.ExplainAccessAsync(request, o), ct);
            return cli.Emit(r, answer, () => AccessText.WriteExplanation(cli.Out, answer));
        });
        return command;
    }

    private static Command WhoCanOpen(CliContext cli)
    {
        var door = DoorOption();
        var at = AtOption();
        var command = new Command("who-can-open", "List the cards that can open a door at a time (also those that need their PIN)") { door, at };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var target = await hub.DoorAsync(r.GetRequiredValue(door), ct);
            var when = await AtAsync(hub, target, r.GetValue(at), ct);
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.Access.WhoCanOpenAsync(
                new WhoCanOpenRequest { DoorId = target.Id, At = when, IncludePinRequired = true, PageSize = Pages.Size, PageToken = t }, o), ct));
            return cli.Emit(r, all, () => AccessText.WriteWhoCanOpen(cli.Out, all));
        });
        return command;
    }

    private static Option<string> DoorOption() => new("--door") { Description = "The door's name or id", HelpName = "NAME|ID", Required = true };

    private static Option<string> AtOption() => new("--at")
    {
        Description = "When (ISO 8601, default now): with an offset or Z an instant, e.g. 2026-03-30T08:00:00Z; without, the door's local time, e.g. 2026-03-30T10:00",
        HelpName = "TIME",
    };

    // A time without an offset is the door's wall clock: the site's zone decides what it means.
    private static async Task<Timestamp?> AtAsync(HubConnection hub, Door door, string? at, CancellationToken ct)
    {
        if (at is null)
        {
            return null;
        }

        var site = await hub.CallAsync(o => hub.Sites.GetSiteAsync(new GetSiteRequest { Id = door.SiteId }, o), ct);
        return TimeArgument.Parse(at, site.TimeZone);
    }
}
