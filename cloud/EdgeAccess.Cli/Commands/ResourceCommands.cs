using System.CommandLine;
using System.Globalization;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary>
/// <c>resources list|show|create|update</c> (<c>resource</c> works as well) and <c>availability</c>;
/// create and update are in <c>ResourceCommands.Write.cs</c>.
/// </summary>
internal static partial class ResourceCommands
{
    public static IEnumerable<Command> Create(CliContext cli)
    {
        var resources = new Command("resources", "Bookable resources (lab installations, rooms, devices)")
        {
            List(cli), Show(cli), CreateResource(cli), UpdateResource(cli),
        };
        resources.Aliases.Add("resource");
        return [resources, Availability(cli)];
    }

    /// <summary>The <c>--resource</c> option every booking command takes.</summary>
    public static Option<string> ResourceOption(string description, bool required) =>
        new("--resource") { Description = description, HelpName = "NAME|ID", Required = required };

    private static Command List(CliContext cli)
    {
        var siteOption = new Option<string>("--site") { Description = "Only the resources of this site", HelpName = "NAME|ID" };
        var list = new Command("list", "List the bookable resources") { siteOption };
        cli.SetAction(list, async (r, hub, ct) =>
        {
            var siteId = r.GetValue(siteOption) is { } site ? (await hub.SiteAsync(site, ct)).Id : "";
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.Booking.ListResourcesAsync(new ListResourcesRequest { PageSize = Pages.Size, PageToken = t, SiteId = siteId }, o), ct));
            if (r.GetValue(cli.Json))
            {
                return cli.Emit(r, all, () => { });
            }

            var sites = await SiteCommands.AllSitesAsync(hub, ct);
            var doors = all.Resources.Any(x => x.DoorIds.Count > 0) ? await JournalCommand.AllDoorNamesAsync(hub, ct) : [];
            var table = new TextTable("ID", "NAME", "SITE", "KIND", "ACTIVE", "DOORS");
            foreach (var resource in all.Resources)
            {
                table.Add(resource.Id, resource.Name, sites.TryGetValue(resource.SiteId, out var s) ? s.Name : resource.SiteId, Text.Name(resource.Kind),
                    Text.YesNo(!resource.HasActive || resource.Active) + (resource.Maintenance is null ? "" : " (maintenance)"), Text.OrDash(string.Join(", ", resource.DoorIds.Select(d => doors.GetValueOrDefault(d, d)))));
            }

            table.WriteTo(cli.Out, "No resources.");
            return 0;
        });
        return list;
    }

    private static Command Show(CliContext cli)
    {
        var id = new Argument<string>("RESOURCE") { Description = "The resource's name or id" };
        var show = new Command("show", "Show a resource, its doors and its booking rules") { id };
        cli.SetAction(show, async (r, hub, ct) =>
        {
            var resource = await hub.ResourceAsync(r.GetRequiredValue(id), ct);
            var rules = await hub.CallAsync(o => hub.Booking.GetResourceRulesAsync(new GetResourceRulesRequest { ResourceId = resource.Id }, o), ct);
            if (r.GetValue(cli.Json))
            {
                // One JSON document: the resource; its rules are `resources show` + GetResourceRules.
                return cli.Emit(r, resource, () => { });
            }

            var site = await hub.CallAsync(o => hub.Sites.GetSiteAsync(new GetSiteRequest { Id = resource.SiteId }, o), ct);
            var doors = resource.DoorIds.Count > 0 ? await JournalCommand.AllDoorNamesAsync(hub, ct) : [];
            var groups = rules.AllowedGroupIds.Count > 0
                ? (await Pages.AllAsync(t => hub.CallAsync(o => hub.Groups.ListGroupsAsync(new ListGroupsRequest { PageSize = Pages.Size, PageToken = t }, o), ct))).Groups.ToDictionary(g => g.Id, g => g.Name)
                : [];
            TextTable.WriteFields(cli.Out,
            [
                ("resource", $"{resource.Name} ({resource.Id})"),
                ("site", $"{site.Name} ({resource.TimeZone})"),
                ("kind", Text.Name(resource.Kind)),
                ("active", Text.YesNo(!resource.HasActive || resource.Active)),
                ("description", Text.OrDash(resource.Description)),
                ("capacity", (resource.Capacity == 0 ? 1 : resource.Capacity).ToString(CultureInfo.InvariantCulture)),
                ("doors", Text.OrDash(string.Join(", ", resource.DoorIds.Select(d => $"{doors.GetValueOrDefault(d, d)} ({d})")))),
                .. LabFields(resource),
                .. BookingText.Rules(rules, groups),
            ]);
            return 0;
        });
        return show;
    }

    private static Command Availability(CliContext cli)
    {
        var resourceOption = ResourceOption("The resource", required: true);
        var date = new Option<string>("--date") { Description = "The day, YYYY-MM-DD in the site's zone (default: today there)", HelpName = "DATE" };
        var week = new Option<bool>("--week") { Description = "Seven days from --date instead of one" };
        var minutes = new Option<int>("--minutes") { Description = "Only starts where a booking this long fits (default: the minimum duration)", HelpName = "N" };
        var command = new Command("availability", "Show a resource's free time for a day or a week, in the site's local time") { resourceOption, date, week, minutes };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var resource = await hub.ResourceAsync(r.GetRequiredValue(resourceOption), ct);
            var zone = BookingText.Zone(resource.TimeZone);
            var day = r.GetValue(date)?.Trim();
            if (day is null)
            {
                day = TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            else if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                throw CliException.Usage($"--date \"{day}\" is not a date, e.g. 2026-03-30");
            }

            if (r.GetValue(minutes) is < 0 or > 1440 * 7)
            {
                throw CliException.Usage("--minutes must be between 1 and 10080");
            }

            var request = new GetAvailabilityRequest
            {
                ResourceId = resource.Id,
                Date = day,
                Span = r.GetValue(week) ? AvailabilitySpan.Week : AvailabilitySpan.Day,
                DurationMinutes = r.GetValue(minutes),
            };
            var answer = await hub.CallAsync(o => hub.Booking.GetAvailabilityAsync(request, o), ct);
            return cli.Emit(r, answer, () =>
            {
                var span = r.GetValue(week) ? $"the week from {day}" : day;
                cli.Out.WriteLine($"{resource.Name}: free time on {span} ({answer.TimeZone}), {answer.Free.Count} interval(s)");
                var table = new TextTable("FROM", "UNTIL", "LENGTH");
                foreach (var slot in answer.Free)
                {
                    var length = (int)(slot.EndTime.ToDateTimeOffset() - slot.StartTime.ToDateTimeOffset()).TotalMinutes;
                    table.Add(BookingText.Local(slot.StartTime, zone), BookingText.Local(slot.EndTime, zone), BookingText.Minutes(length));
                }

                table.WriteTo(cli.Out, "Nothing free then.");
            });
        });
        return command;
    }
}
