using System.CommandLine;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary><c>sites list</c>, <c>doors list</c>, <c>schedules list</c>.</summary>
internal static class SiteCommands
{
    public static IEnumerable<Command> Create(CliContext cli) => [Sites(cli), Doors(cli), Schedules(cli)];

    /// <summary>Every site by id (to show site names next to doors and schedules).</summary>
    public static async Task<Dictionary<string, Site>> AllSitesAsync(HubConnection hub, CancellationToken ct) =>
        (await Pages.AllAsync(t => hub.CallAsync(o => hub.Sites.ListSitesAsync(new ListSitesRequest { PageSize = Pages.Size, PageToken = t }, o), ct)))
        .Sites.ToDictionary(s => s.Id);

    private static Command Sites(CliContext cli)
    {
        var list = new Command("list", "List the sites");
        cli.SetAction(list, async (r, hub, ct) =>
        {
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.Sites.ListSitesAsync(new ListSitesRequest { PageSize = Pages.Size, PageToken = t }, o), ct));
            return cli.Emit(r, all, () =>
            {
                var table = new TextTable("ID", "NAME", "TIME ZONE");
                foreach (var site in all.Sites)
                {
                    table.Add(site.Id, site.Name, site.TimeZone);
                }

                table.WriteTo(cli.Out, "No sites.");
            });
        });
        return new Command("sites", "Sites (buildings, campuses)") { list };
    }

    private static Command Doors(CliContext cli)
    {
        var siteOption = SiteOption("Only the doors of this site");
        var list = new Command("list", "List the doors") { siteOption };
        cli.SetAction(list, async (r, hub, ct) =>
        {
            var siteId = r.GetValue(siteOption) is { } site ? (await hub.SiteAsync(site, ct)).Id : "";
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.Sites.ListDoorsAsync(new ListDoorsRequest { PageSize = Pages.Size, PageToken = t, SiteId = siteId }, o), ct));
            var sites = await AllSitesAsync(hub, ct);
            return cli.Emit(r, all, () =>
            {
                var table = new TextTable("ID", "NAME", "SITE", "DIRECTION", "PIN");
                foreach (var door in all.Doors)
                {
                    table.Add(door.Id, door.Name, SiteName(sites, door.SiteId), Text.Name(door.Direction), door.RequiresPin ? "required" : "-");
                }

                table.WriteTo(cli.Out, "No doors.");
            });
        });
        return new Command("doors", "Doors") { list };
    }

    private static Command Schedules(CliContext cli)
    {
        var siteOption = SiteOption("Only the schedules of this site");
        var list = new Command("list", "List the schedules (times are the site's local time)") { siteOption };
        cli.SetAction(list, async (r, hub, ct) =>
        {
            var siteId = r.GetValue(siteOption) is { } site ? (await hub.SiteAsync(site, ct)).Id : "";
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.Schedules.ListSchedulesAsync(new ListSchedulesRequest { PageSize = Pages.Size, PageToken = t, SiteId = siteId }, o), ct));
            var sites = await AllSitesAsync(hub, ct);
            return cli.Emit(r, all, () =>
            {
                var table = new TextTable("ID", "NAME", "SITE", "HOLIDAYS", "WEEKLY");
                foreach (var schedule in all.Schedules)
                {
                    table.Add(schedule.Id, schedule.Name, SiteName(sites, schedule.SiteId), ScheduleText.Holidays(schedule), ScheduleText.Weekly(schedule.Weekly));
                }

                table.WriteTo(cli.Out, "No schedules.");
            });
        });
        return new Command("schedules", "Time schedules") { list };
    }

    private static Option<string> SiteOption(string description) => new("--site") { Description = description, HelpName = "NAME|ID" };

    private static string SiteName(Dictionary<string, Site> sites, string id) => sites.TryGetValue(id, out var site) ? site.Name : id;
}
