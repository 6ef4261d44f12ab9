using System.CommandLine;
using System.Globalization;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary>
/// <c>nodes list|show|create|code|revoke</c>: the edge node registry and how each node's sync stands.
/// The remote commands (<c>unlock</c>, <c>lockdown</c>, ...) are in <c>NodeCommands.Send.cs</c>, the
/// OS accounts (<c>accounts</c>, <c>link-account</c>, <c>unlink-account</c>) in <c>NodeCommands.Accounts.cs</c>.
/// </summary>
internal static partial class NodeCommands
{
    public static Command Create(CliContext cli)
    {
        var nodes = new Command("nodes", "Edge nodes: registry, enrollment, sync status, remote commands and OS accounts")
        {
            List(cli), Show(cli), CreateNode(cli), Code(cli), Revoke(cli),
            Unlock(cli), Lockdown(cli), Release(cli), Resync(cli), Commands(cli), Cancel(cli),
            Accounts(cli), LinkAccount(cli), UnlinkAccount(cli),
        };
        nodes.Aliases.Add("node");
        return nodes;
    }

    private static Command List(CliContext cli)
    {
        var siteOption = new Option<string>("--site") { Description = "Only the nodes of this site", HelpName = "NAME|ID" };
        var list = new Command("list", "List the edge nodes with their health and lag") { siteOption };
        cli.SetAction(list, async (r, hub, ct) =>
        {
            var siteId = r.GetValue(siteOption) is { } site ? (await hub.SiteAsync(site, ct)).Id : "";
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.Nodes.ListNodesAsync(new ListNodesRequest { PageSize = Pages.Size, PageToken = t, SiteId = siteId }, o), ct));
            var sites = await SiteCommands.AllSitesAsync(hub, ct);
            return cli.Emit(r, all, () =>
            {
                var table = new TextTable("ID", "SITE", "STATUS", "HEALTH", "LAG", "LAST SEEN", "DESCRIPTION");
                foreach (var node in all.Nodes)
                {
                    table.Add(node.Id, SiteName(sites, node.SiteId), Text.Name(node.Status), Text.Name(node.Health), Lag(node), Text.Time(node.LastSeenTime), Text.OrDash(node.Description));
                }

                table.WriteTo(cli.Out, "No nodes.");
            });
        });
        return list;
    }

    private static Command Show(CliContext cli)
    {
        var id = NodeArgument();
        var show = new Command("show", "Show a node: enrollment, health, connection, acknowledged position and lag") { id };
        cli.SetAction(show, async (r, hub, ct) =>
        {
            var node = await hub.CallAsync(o => hub.Nodes.GetNodeAsync(new GetNodeRequest { NodeId = NodeId(r.GetRequiredValue(id)) }, o), ct);
            var sites = await SiteCommands.AllSitesAsync(hub, ct);
            return cli.Emit(r, node, () => TextTable.WriteFields(cli.Out,
                ("node", node.Id),
                ("site", $"{SiteName(sites, node.SiteId)} ({node.SiteId})"),
                ("description", Text.OrDash(node.Description)),
                ("status", Text.Name(node.Status)),
                ("health", Text.Name(node.Health)),
                ("connected", Text.YesNo(node.Connected)),
                ("last seen", Text.Time(node.LastSeenTime)),
                ("acked position", node.AckedPosition.ToString(CultureInfo.InvariantCulture)),
                ("site head", node.SiteHead.ToString(CultureInfo.InvariantCulture)),
                ("lag", Lag(node)),
                ("last ack", Text.Time(node.LastAckTime)),
                ("stalled", Text.YesNo(node.Stalled)),
                ("enrolled", Text.Time(node.EnrollTime)),
                ("code expires", Text.Time(node.EnrollmentExpireTime)),
                ("token issued", Text.Time(node.TokenIssueTime)),
                ("revoked", Text.Time(node.RevokeTime)),
                ("created", Text.Time(node.CreateTime))));
        });
        return show;
    }

    private static Command CreateNode(CliContext cli)
    {
        var id = NodeArgument();
        var siteOption = new Option<string>("--site") { Description = "The site the node serves", HelpName = "NAME|ID", Required = true };
        var description = new Option<string>("--description") { Description = "What and where the node is", HelpName = "TEXT" };
        var create = new Command("create", "Register a node and print its one-time enrollment code (shown only this once)") { id, siteOption, description };
        cli.SetAction(create, async (r, hub, ct) =>
        {
            var nodeId = NodeId(r.GetRequiredValue(id));
            var site = await hub.SiteAsync(r.GetRequiredValue(siteOption), ct);
            var request = new CreateNodeRequest { NodeId = nodeId, SiteId = site.Id, Description = r.GetValue(description) ?? "", RequestId = Guid.NewGuid().ToString() };
            var enrollment = await hub.CallAsync(o => hub.Nodes.CreateNodeAsync(request, o), ct);
            return cli.Emit(r, enrollment, () =>
            {
                cli.Out.WriteLine($"Node {enrollment.Node.Id} created for site {site.Name}; it is pending until it enrolls.");
                WriteCode(cli.Out, enrollment);
            });
        });
        return create;
    }

    private static Command Code(CliContext cli)
    {
        var id = NodeArgument();
        var code = new Command("code", "Issue a new one-time enrollment code (the old code and the node's token stop working)") { id };
        cli.SetAction(code, async (r, hub, ct) =>
        {
            var nodeId = NodeId(r.GetRequiredValue(id));
            var enrollment = await hub.CallAsync(o => hub.Nodes.IssueEnrollmentCodeAsync(new IssueEnrollmentCodeRequest { NodeId = nodeId }, o), ct);
            return cli.Emit(r, enrollment, () =>
            {
                cli.Out.WriteLine($"Node {enrollment.Node.Id} must enroll again: its previous code and token no longer work.");
                WriteCode(cli.Out, enrollment);
            });
        });
        return code;
    }

    private static Command Revoke(CliContext cli)
    {
        var id = NodeArgument();
        var revoke = new Command("revoke", "Cut a node off: its token is refused from its next call on") { id };
        cli.SetAction(revoke, async (r, hub, ct) =>
        {
            var nodeId = NodeId(r.GetRequiredValue(id));
            var node = await hub.CallAsync(o => hub.Nodes.RevokeNodeAsync(new RevokeNodeRequest { NodeId = nodeId }, o), ct);
            return cli.Emit(r, node, () => cli.Out.WriteLine($"Node {node.Id} is {Text.Name(node.Status)} (since {Text.Time(node.RevokeTime)})."));
        });
        return revoke;
    }

    private static void WriteCode(TextWriter output, NodeEnrollment enrollment)
    {
        output.WriteLine();
        output.WriteLine($"  ENROLLMENT CODE (shown once): {enrollment.EnrollmentCode}");
        output.WriteLine($"  expires: {Text.Time(enrollment.Node.EnrollmentExpireTime)}");
        output.WriteLine();
        output.WriteLine($"Start the node with --EdgeAccess:Edge:NodeId={enrollment.Node.Id} --EdgeAccess:Edge:EnrollmentCode=<the code>.");
        output.WriteLine("The hub keeps only a hash of it: if it is lost, issue a new one with: edgeaccess nodes code " + enrollment.Node.Id);
    }

    private static Argument<string> NodeArgument() => new("NODE") { Description = "The node's id, e.g. edge-1" };

    /// <summary>Node ids are lowercase; the hub answers NOT_FOUND for anything it does not know.</summary>
    private static string NodeId(string input) => input.Trim() is { Length: > 0 } id
        ? id.ToLowerInvariant()
        : throw CliException.Usage("NODE is empty: give the node's id, e.g. edge-1");

    private static string Lag(Node node) => node.Health == NodeHealth.NeverConnected
        ? "-"
        : node.Lag.ToString(CultureInfo.InvariantCulture) + (node.Stalled ? " (stalled)" : "");

    private static string SiteName(Dictionary<string, Site> sites, string id) => sites.TryGetValue(id, out var site) ? site.Name : id;
}
