using System.CommandLine;
using System.Globalization;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary>
/// <c>nodes accounts|link-account|unlink-account</c>: the OS accounts a lab server reported and the
/// people they are linked to, so the node's lab-process policy knows whose programs run.
/// </summary>
internal static partial class NodeCommands
{
    private static Command Accounts(CliContext cli)
    {
        var id = NodeArgument();
        var linked = new Option<bool>("--linked") { Description = "Only the accounts linked to a person" };
        var command = new Command("accounts", "List a node's OS accounts as it last reported them, with the people they are linked to") { id, linked };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var nodeId = NodeId(r.GetRequiredValue(id));
            var all = await hub.CallAsync(o => hub.Nodes.ListAccountsAsync(new ListNodeAccountsRequest { NodeId = nodeId, LinkedOnly = r.GetValue(linked) }, o), ct);
            if (r.GetValue(cli.Json))
            {
                return cli.Emit(r, all, () => { });
            }

            var people = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var personId in all.Accounts.Select(a => a.PersonId).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal))
            {
                people[personId] = await PersonNameAsync(hub, personId, ct);
            }

            var table = new TextTable("UID", "NAME", "FULL NAME", "PRESENT", "PERSON", "LINKED", "REPORTED");
            foreach (var a in all.Accounts)
            {
                table.Add(a.Uid.ToString(CultureInfo.InvariantCulture), a.Name, Text.OrDash(a.FullName), Text.YesNo(a.Present),
                    a.PersonId.Length == 0 ? "-" : $"{people[a.PersonId]} ({a.PersonId})", Text.Time(a.LinkTime), Text.Time(a.ReportTime));
            }

            table.WriteTo(cli.Out, r.GetValue(linked) ? $"No linked accounts on {nodeId}." : $"No accounts reported by {nodeId}.");
            return 0;
        });
        return command;
    }

    private static Command LinkAccount(CliContext cli)
    {
        var id = NodeArgument();
        var uid = UidArgument();
        var person = new Argument<string>("PERSON") { Description = "The person: an id, an email address, or a name (exact or a unique part)" };
        var command = new Command("link-account", "Link a node's OS account to a person: their programs on the node count as theirs for the lab-process policy") { id, uid, person };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var nodeId = NodeId(r.GetRequiredValue(id));
            var target = await PersonByIdEmailOrNameAsync(hub, r.GetRequiredValue(person), ct);
            var request = new LinkNodeAccountRequest { NodeId = nodeId, Uid = r.GetValue(uid), PersonId = target.Id };
            var account = await hub.CallAsync(o => hub.Nodes.LinkAccountAsync(request, o), ct);
            return cli.Emit(r, account, () => cli.Out.WriteLine(
                $"Account {account.Name} (uid {account.Uid.ToString(CultureInfo.InvariantCulture)}) on {account.NodeId} is linked to {target.DisplayName} ({target.Id})."));
        });
        return command;
    }

    private static Command UnlinkAccount(CliContext cli)
    {
        var id = NodeArgument();
        var uid = UidArgument();
        var command = new Command("unlink-account", "Remove an account's link: its runs of controlled programs count as unbooked") { id, uid };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var nodeId = NodeId(r.GetRequiredValue(id));
            var request = new UnlinkNodeAccountRequest { NodeId = nodeId, Uid = r.GetValue(uid) };
            var account = await hub.CallAsync(o => hub.Nodes.UnlinkAccountAsync(request, o), ct);
            return cli.Emit(r, account, () => cli.Out.WriteLine(
                $"Account {account.Name} (uid {account.Uid.ToString(CultureInfo.InvariantCulture)}) on {account.NodeId} is linked to nobody."));
        });
        return command;
    }

    private static Argument<long> UidArgument() => new("UID") { Description = "The account's numeric uid, as `nodes accounts` lists it" };

    /// <summary>A person by id (fetched), by email (the hub's exact, case-insensitive filter) or by name.</summary>
    private static async Task<Person> PersonByIdEmailOrNameAsync(HubConnection hub, string input, CancellationToken ct)
    {
        input = input.Trim();
        if (!input.Contains('@', StringComparison.Ordinal))
        {
            return await hub.PersonAsync(input, ct);
        }

        var found = await hub.CallAsync(o => hub.People.ListPeopleAsync(new ListPeopleRequest { Email = input, PageSize = 2 }, o), ct);
        return found.People.Count == 1 ? found.People[0] : throw CliException.NotFound($"no person has the email {input}");
    }

    private static async Task<string> PersonNameAsync(HubConnection hub, string personId, CancellationToken ct)
    {
        try
        {
            return (await hub.CallAsync(o => hub.People.GetPersonAsync(new GetPersonRequest { Id = personId }, o), ct)).DisplayName;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
        {
            // An auditor reads accounts but not necessarily every person; the id still says who.
            return "?";
        }
    }
}
