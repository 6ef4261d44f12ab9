using System.CommandLine;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary><c>card find --number-stdin</c>: the number comes from standard input, never the command line.</summary>
internal static partial class PeopleCommands
{
    private static Command Find(CliContext cli)
    {
        var numberStdin = new Option<bool>("--number-stdin")
        {
            Description = "Read the card number from the first line of standard input (on a terminal you are prompted without echo)",
        };
        var find = new Command("find", "Find a card by its number") { numberStdin };
        cli.SetAction(find, async (r, hub, ct) =>
        {
            var number = await cli.ReadSecretAsync("Card number: ", r.GetValue(numberStdin), "--number-stdin", ct);
            var card = await hub.CallAsync(o => hub.Cards.FindCardByNumberAsync(new FindCardByNumberRequest { Number = number }, o), ct);
            var holder = await HolderAsync(hub, card, ct);
            return cli.Emit(r, card, () => TextTable.WriteFields(cli.Out,
                ("card", Text.Card(card.LastDigits)),
                ("card id", card.Id),
                ("holder", $"{holder} ({card.PersonId})"),
                ("status", Text.Name(card.Status)),
                ("validity", Text.Window(card.ValidFrom, card.ValidTo)),
                ("PIN", card.HasPin ? "set" : "not set"),
                ("when degraded", card.AllowWhenDegraded ? "admitted" : "refused")));
        });
        return find;
    }
}
