using System.CommandLine;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary><c>groups list</c>, <c>groups members GROUP [--transitive]</c>.</summary>
internal static class GroupCommands
{
    public static IEnumerable<Command> Create(CliContext cli) => [Groups(cli)];

    private static Command Groups(CliContext cli) => new("groups", "Groups and their members") { List(cli), Members(cli) };

    private static Command List(CliContext cli)
    {
        var list = new Command("list", "List the groups with the groups they are nested in");
        cli.SetAction(list, async (r, hub, ct) =>
        {
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.Groups.ListGroupsAsync(new ListGroupsRequest { PageSize = Pages.Size, PageToken = t }, o), ct));
            var names = all.Groups.ToDictionary(g => g.Id, g => g.Name);
            return cli.Emit(r, all, () =>
            {
                var table = new TextTable("ID", "NAME", "ACTIVE", "NESTED IN", "DESCRIPTION");
                foreach (var group in all.Groups)
                {
                    var parents = string.Join(", ", group.ParentIds.Select(id => names.GetValueOrDefault(id, id)));
                    table.Add(group.Id, group.Name, Text.YesNo(!group.HasActive || group.Active), Text.OrDash(parents), group.Description);
                }

                table.WriteTo(cli.Out, "No groups.");
            });
        });
        return list;
    }

    private static Command Members(CliContext cli)
    {
        var group = new Argument<string>("GROUP") { Description = "The group's name or id" };
        var transitive = new Option<bool>("--transitive") { Description = "Also the members of the groups nested in it, at any depth" };
        var members = new Command("members", "List a group's members") { group, transitive };
        cli.SetAction(members, async (r, hub, ct) =>
        {
            var target = await hub.GroupAsync(r.GetRequiredValue(group), ct);
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.Groups.ListMembersAsync(
                new ListMembersRequest { GroupId = target.Id, Transitive = r.GetValue(transitive), PageSize = Pages.Size, PageToken = t }, o), ct));
            return cli.Emit(r, all, () =>
            {
                var table = new TextTable("PERSON", "PERSON ID", "ACTIVE", "VIA GROUP", "ROLE", "VALID NOW", "VALIDITY");
                foreach (var m in all.Members)
                {
                    table.Add(m.DisplayName, m.PersonId, Text.YesNo(m.PersonActive), m.ViaGroupName, Text.OrDash(m.Membership?.RoleTitle),
                        Text.YesNo(m.ValidNow), Text.Window(m.Membership?.ValidFrom, m.Membership?.ValidTo));
                }

                table.WriteTo(cli.Out, $"No members in {target.Name}.");
            });
        });
        return members;
    }
}
