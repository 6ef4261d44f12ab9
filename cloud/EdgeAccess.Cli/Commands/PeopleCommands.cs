using System.CommandLine;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary><c>people list</c> and <c>cards list|block|unblock|lost|find</c> (<c>card</c> works as well).</summary>
internal static partial class PeopleCommands
{
    public static IEnumerable<Command> Create(CliContext cli) => [People(cli), Cards(cli)];

    private static Command People(CliContext cli)
    {
        var name = new Option<string>("--name") { Description = "Only people whose name contains this (case-insensitive)", HelpName = "TEXT" };
        var list = new Command("list", "List people") { name };
        cli.SetAction(list, async (r, hub, ct) =>
        {
            var filter = r.GetValue(name) ?? "";
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.People.ListPeopleAsync(new ListPeopleRequest { PageSize = Pages.Size, PageToken = t, NameContains = filter }, o), ct));
            return cli.Emit(r, all, () =>
            {
                var table = new TextTable("ID", "NAME", "EMAIL", "EXTERNAL ID", "ACTIVE");
                foreach (var person in all.People)
                {
                    table.Add(person.Id, person.DisplayName, Text.OrDash(person.Email), Text.OrDash(person.ExternalId), Text.YesNo(!person.HasActive || person.Active));
                }

                table.WriteTo(cli.Out, "No people.");
            });
        });
        return new Command("people", "People") { list };
    }

    private static Command Cards(CliContext cli)
    {
        var cards = new Command("cards", "Cards (numbers are never shown: only their last digits)")
        {
            List(cli),
            SetStatus(cli, "block", CardStatus.Blocked, "Block a card (it opens nothing until unblocked)"),
            SetStatus(cli, "unblock", CardStatus.Active, "Make a blocked or lost card active again"),
            SetStatus(cli, "lost", CardStatus.Lost, "Mark a card lost"),
            Find(cli),
        };
        cards.Aliases.Add("card");
        return cards;
    }

    private static Command List(CliContext cli)
    {
        var personOption = new Option<string>("--person") { Description = "Only this person's cards", HelpName = "NAME|ID" };
        var list = new Command("list", "List cards") { personOption };
        cli.SetAction(list, async (r, hub, ct) =>
        {
            var person = r.GetValue(personOption) is { } input ? await hub.PersonAsync(input, ct) : null;
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.Cards.ListCardsAsync(
                new ListCardsRequest { PageSize = Pages.Size, PageToken = t, PersonId = person?.Id ?? "" }, o), ct));
            var holders = person is not null
                ? new Dictionary<string, string> { [person.Id] = person.DisplayName }
                : (await Pages.AllAsync(t => hub.CallAsync(o => hub.People.ListPeopleAsync(new ListPeopleRequest { PageSize = Pages.Size, PageToken = t }, o), ct)))
                    .People.ToDictionary(p => p.Id, p => p.DisplayName);
            return cli.Emit(r, all, () =>
            {
                var table = new TextTable("ID", "CARD", "HOLDER", "STATUS", "PIN", "VALIDITY");
                foreach (var card in all.Cards)
                {
                    table.Add(card.Id, Text.Card(card.LastDigits), holders.GetValueOrDefault(card.PersonId, card.PersonId), Text.Name(card.Status),
                        card.HasPin ? "set" : "-", Text.Window(card.ValidFrom, card.ValidTo));
                }

                table.WriteTo(cli.Out, "No cards.");
            });
        });
        return list;
    }

    private static Command SetStatus(CliContext cli, string name, CardStatus status, string description)
    {
        var cardId = new Argument<string>("CARD_ID") { Description = "The card's id (see: cards list --person NAME)" };
        var command = new Command(name, description) { cardId };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var id = CardId(r.GetRequiredValue(cardId));
            var card = await hub.CallAsync(o => hub.Cards.SetCardStatusAsync(new SetCardStatusRequest { Id = id, Status = status }, o), ct);
            var holder = await HolderAsync(hub, card, ct);
            return cli.Emit(r, card, () => cli.Out.WriteLine($"Card {Text.Card(card.LastDigits)} of {holder} ({card.Id}) is now {Text.Name(card.Status)}."));
        });
        return command;
    }

    /// <summary>A card id as the user typed it; never echoed, since it may be a card number typed by mistake.</summary>
    private static string CardId(string input) => Guid.TryParse(input.Trim(), out var id)
        ? id.ToString()
        : throw CliException.Usage("CARD_ID must be a card id (a UUID, see: cards list --person NAME); to look a card up by its number use: card find --number-stdin");

    private static async Task<string> HolderAsync(HubConnection hub, Card card, CancellationToken ct) =>
        (await hub.CallAsync(o => hub.People.GetPersonAsync(new GetPersonRequest { Id = card.PersonId }, o), ct)).DisplayName;
}
