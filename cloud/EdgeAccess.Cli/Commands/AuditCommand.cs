using System.CommandLine;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary><c>audit</c>: the newest admin changes, who made them and to what.</summary>
internal static class AuditCommand
{
    private const int MaxLimit = 10_000;

    public static Command Create(CliContext cli)
    {
        var entityType = new Option<string>("--entity-type") { Description = "Only this entity type, exact: Person, Card, Group, Membership, Site, Door, Schedule, AccessScheme, DirectGrant, User, ...", HelpName = "TYPE" };
        var entityId = new Option<string>("--entity-id") { Description = "Only this entity", HelpName = "ID" };
        var actor = new Option<string>("--actor") { Description = "Only changes by this user (name or id)", HelpName = "USER" };
        var limit = new Option<int>("--limit", "-n") { Description = $"At most this many entries, newest first (1 to {MaxLimit})", HelpName = "N", DefaultValueFactory = _ => 20 };
        var command = new Command("audit", "Show the audit trail of admin changes, newest first") { entityType, entityId, actor, limit };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var wanted = r.GetValue(limit);
            if (wanted is < 1 or > MaxLimit)
            {
                throw CliException.Usage($"--limit must be between 1 and {MaxLimit}");
            }

            var request = new ListAuditEntriesRequest
            {
                EntityType = r.GetValue(entityType) ?? "",
                EntityId = r.GetValue(entityId) ?? "",
                Actor = r.GetValue(actor) ?? "",
            };
            var all = new ListAuditEntriesResponse();
            do
            {
                // Pages sized to what is still wanted, so next_page_token continues exactly after the last entry shown.
                request.PageSize = Math.Min(wanted - all.Entries.Count, Pages.Size);
                var page = await hub.CallAsync(o => hub.Audit.ListAuditEntriesAsync(request, o), ct);
                all.Entries.AddRange(page.Entries);
                all.NextPageToken = page.NextPageToken;
                request.PageToken = page.NextPageToken;
            }
            while (all.Entries.Count < wanted && all.NextPageToken.Length > 0);

            return cli.Emit(r, all, () =>
            {
                var table = new TextTable("ID", "TIME", "ACTOR", "ACTION", "ENTITY TYPE", "ENTITY ID");
                foreach (var entry in all.Entries)
                {
                    table.Add(entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Text.Time(entry.Time), Text.OrDash(entry.ActorName),
                        entry.Action, entry.EntityType, entry.EntityId);
                }

                table.WriteTo(cli.Out, "No audit entries.");
            });
        });
        return command;
    }
}
