using System.CommandLine;
using System.Globalization;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary>
/// <c>journal</c>: the edge nodes' journals as the hub stored them (door decisions, command results,
/// security events), newest first. Events a node journaled while offline appear once its link is back.
/// </summary>
internal static class JournalCommand
{
    private const int MaxLimit = 10_000;
    private const int MaxPage = 1000;

    /// <summary>Every door's name by id.</summary>
    public static async Task<Dictionary<string, string>> AllDoorNamesAsync(HubConnection hub, CancellationToken ct) =>
        (await Pages.AllAsync(t => hub.CallAsync(o => hub.Sites.ListDoorsAsync(new ListDoorsRequest { PageSize = Pages.Size, PageToken = t }, o), ct)))
        .Doors.ToDictionary(d => d.Id, d => d.Name);

    public static Command Create(CliContext cli)
    {
        var site = new Option<string>("--site") { Description = "Only events of this site's nodes", HelpName = "NAME|ID" };
        var node = new Option<string>("--node") { Description = "Only this node's events", HelpName = "ID" };
        var door = new Option<string>("--door") { Description = "Only decisions at this door", HelpName = "NAME|ID" };
        var person = new Option<string>("--person") { Description = "Only decisions on this person's cards", HelpName = "NAME|ID" };
        var card = new Option<string>("--card") { Description = "Only decisions on this card (its id; see: cards list)", HelpName = "ID" };
        var kind = new Option<string>("--kind") { Description = "Only this kind, exact, e.g. door.decision, replica.tampered", HelpName = "KIND" };
        var result = new Option<string>("--result") { Description = "Only door decisions that were granted or denied", HelpName = "granted|denied" };
        result.AcceptOnlyFromAmong("granted", "denied");
        var from = new Option<string>("--from") { Description = "From this time on (ISO 8601; without an offset: the --site's local time, else UTC)", HelpName = "TIME" };
        var to = new Option<string>("--to") { Description = "Before this time (same form as --from)", HelpName = "TIME" };
        var limit = new Option<int>("--limit", "-n") { Description = $"At most this many events, newest first (1 to {MaxLimit})", HelpName = "N", DefaultValueFactory = _ => 50 };
        var command = new Command("journal", "Show the edge nodes' journals (door decisions and more), newest first")
        {
            site, node, door, person, card, kind, result, from, to, limit,
        };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var wanted = r.GetValue(limit);
            if (wanted is < 1 or > MaxLimit)
            {
                throw CliException.Usage($"--limit must be between 1 and {MaxLimit}");
            }

            var request = new ListEventsRequest
            {
                NodeId = r.GetValue(node)?.Trim().ToLowerInvariant() ?? "",
                Kind = r.GetValue(kind)?.Trim() ?? "",
                Result = r.GetValue(result) switch { "granted" => EventResult.Granted, "denied" => EventResult.Denied, _ => EventResult.Unspecified },
            };
            if (r.GetValue(card) is { } cardId)
            {
                request.CardId = Guid.TryParse(cardId.Trim(), out var id)
                    ? id.ToString()
                    : throw CliException.Usage("--card must be a card id (a UUID, see: cards list --person NAME); card numbers are never taken on the command line");
            }

            var zone = "UTC";
            if (r.GetValue(site) is { } siteInput)
            {
                var target = await hub.SiteAsync(siteInput, ct);
                request.SiteId = target.Id;
                zone = target.TimeZone;
            }

            request.OccurTimeFrom = TimeArgument.Parse(r.GetValue(from), zone, "--from");
            request.OccurTimeTo = TimeArgument.Parse(r.GetValue(to), zone, "--to");
            request.DoorId = r.GetValue(door) is { } doorInput ? (await hub.DoorAsync(doorInput, ct)).Id : "";
            request.PersonId = r.GetValue(person) is { } personInput ? (await hub.PersonAsync(personInput, ct)).Id : "";

            var all = new ListEventsResponse();
            do
            {
                // Pages sized to what is still wanted, so next_page_token continues exactly after the last event shown.
                request.PageSize = Math.Min(wanted - all.Events.Count, MaxPage);
                var page = await hub.CallAsync(o => hub.Journal.ListEventsAsync(request, o), ct);
                all.Events.AddRange(page.Events);
                all.NextPageToken = page.NextPageToken;
                request.PageToken = page.NextPageToken;
            }
            while (all.Events.Count < wanted && all.NextPageToken.Length > 0);

            if (r.GetValue(cli.Json))
            {
                return cli.Emit(r, all, () => { });
            }

            var doors = all.Events.Any(e => e.DoorId.Length > 0) ? await AllDoorNamesAsync(hub, ct) : [];
            var people = all.Events.Any(e => e.PersonId.Length > 0)
                ? (await Pages.AllAsync(t => hub.CallAsync(o => hub.People.ListPeopleAsync(new ListPeopleRequest { PageSize = Pages.Size, PageToken = t }, o), ct)))
                    .People.ToDictionary(p => p.Id, p => p.DisplayName)
                : [];
            var table = new TextTable("TIME", "NODE", "SEQ", "KIND", "DOOR", "PERSON", "RESULT", "DETAILS");
            foreach (var e in all.Events)
            {
                table.Add(Text.Time(e.OccurTime), e.NodeId, e.Seq.ToString(CultureInfo.InvariantCulture), e.Kind,
                    e.DoorId.Length == 0 ? "-" : doors.GetValueOrDefault(e.DoorId, e.DoorId),
                    e.PersonId.Length == 0 ? "-" : people.GetValueOrDefault(e.PersonId, e.PersonId),
                    Outcome(e), Text.OrDash(e.Details));
            }

            table.WriteTo(cli.Out, "No events.");
            return 0;
        });
        return command;
    }

    private static string Outcome(EdgeEvent e) => e.HasGranted
        ? $"{(e.Granted ? "granted" : "denied")}{(e.Reason.Length > 0 && e.Reason != "granted" ? $" ({e.Reason})" : "")}"
        : Text.OrDash(e.Reason);
}
