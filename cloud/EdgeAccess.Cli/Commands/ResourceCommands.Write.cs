using System.CommandLine;
using System.Globalization;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary>
/// <c>resources create|update</c>: a resource's fields, its doors, the edge node that runs it, its
/// control programs and its lab-process policy (issue 6). An update changes only what is given.
/// </summary>
internal static partial class ResourceCommands
{
    /// <summary>The lab-process policy flags both commands take.</summary>
    private sealed class LabOptions
    {
        public Option<string> Mode { get; } = new("--lab-mode") { Description = "The lab-process policy: off, monitor (journal unbooked runs) or enforce (warn, then stop them); needs --node", HelpName = "off|monitor|enforce" };

        public Option<string> Warning { get; } = new("--lab-warning") { Description = "Warn this long before a booking ends (seconds, or 90s, 5m; 0: the node's 300 s)", HelpName = "SECONDS" };

        public Option<string> Grace { get; } = new("--lab-grace") { Description = "Stop the programs this long after the end or the warning (seconds, or 2m; 0: the node's 60 s)", HelpName = "SECONDS" };

        public Option<string> Interval { get; } = new("--lab-interval") { Description = "How often the node checks, 1 to 5 seconds (0: 5 s)", HelpName = "SECONDS" };

        public Option<string> Exempt { get; } = new("--lab-exempt") { Description = "OS accounts the policy never touches, comma-separated (\"\": none; root always is)", HelpName = "NAME,NAME" };

        public Option<string> Group { get; } = new("--lab-group") { Description = "The OS group the grant/revoke commands put bookers in (\"\": none)", HelpName = "GROUP" };

        public IEnumerable<Option> All => [Mode, Warning, Grace, Interval, Exempt, Group];

        /// <summary>Whether any lab flag was given.</summary>
        public bool AnyGiven(ParseResult r) => All.Any(o => r.GetResult(o) is not null);

        /// <summary><paramref name="current"/> with the given flags applied.</summary>
        public LabPolicy Apply(ParseResult r, LabPolicy? current)
        {
            var policy = current?.Clone() ?? new LabPolicy();
            if (r.GetValue(Mode) is { } mode)
            {
                policy.Mode = mode.Trim().ToLowerInvariant() switch
                {
                    "off" => LabPolicyMode.Off,
                    "monitor" => LabPolicyMode.Monitor,
                    "enforce" => LabPolicyMode.Enforce,
                    _ => throw CliException.Usage($"--lab-mode \"{mode}\" is not off, monitor or enforce"),
                };
            }

            if (r.GetValue(Warning) is { } warning)
            {
                policy.WarningLeadSeconds = Seconds("--lab-warning", warning);
            }

            if (r.GetValue(Grace) is { } grace)
            {
                policy.GraceSeconds = Seconds("--lab-grace", grace);
            }

            if (r.GetValue(Interval) is { } interval)
            {
                policy.CheckIntervalSeconds = Seconds("--lab-interval", interval);
            }

            if (r.GetValue(Exempt) is { } exempt)
            {
                policy.ExemptAccounts.Clear();
                policy.ExemptAccounts.AddRange(exempt.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }

            if (r.GetValue(Group) is { } group)
            {
                policy.OsGroup = group.Trim();
            }

            return policy;
        }

        // Whole seconds, or a duration with a unit; the hub checks the range and names the field.
        private static int Seconds(string option, string text) =>
            int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? seconds
                : (int)Math.Min(int.MaxValue, DurationArgument.Parse(option, text).TotalSeconds);
    }

    private static Command CreateResource(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = "The resource's name, unique on its site" };
        var site = new Option<string>("--site") { Description = "The site it belongs to", HelpName = "NAME|ID", Required = true };
        var kind = new Option<string>("--kind") { Description = "lab (an installation, the default), room or device", HelpName = "lab|room|device" };
        var inactive = new Option<bool>("--inactive") { Description = "Create it not bookable yet" };
        var fields = new FieldOptions();
        var lab = new LabOptions();
        var command = new Command("create", "Create a bookable resource (booking rules: the hub's defaults)") { name, site, kind, inactive };
        fields.AddTo(command);
        foreach (var option in lab.All)
        {
            command.Options.Add(option);
        }

        cli.SetAction(command, async (r, hub, ct) =>
        {
            var target = await hub.SiteAsync(r.GetRequiredValue(site), ct);
            var resource = new BookableResource
            {
                SiteId = target.Id,
                Name = r.GetRequiredValue(name),
                Kind = Kind(r.GetValue(kind) ?? "lab"),
                Active = !r.GetValue(inactive),
            };
            await fields.ApplyAsync(r, hub, resource, ct);
            if (lab.AnyGiven(r))
            {
                resource.LabPolicy = lab.Apply(r, null);
            }

            var request = new CreateResourceRequest { RequestId = Guid.NewGuid().ToString(), Resource = resource };
            var created = await hub.CallAsync(o => hub.Booking.CreateResourceAsync(request, o), ct);
            return cli.Emit(r, created, () =>
            {
                cli.Out.WriteLine($"Resource {created.Name} ({created.Id}) created on site {target.Name}.");
                TextTable.WriteFields(cli.Out, [.. LabFields(created)]);
            });
        });
        return command;
    }

    private static Command UpdateResource(CliContext cli)
    {
        var id = new Argument<string>("RESOURCE") { Description = "The resource's name or id" };
        var name = new Option<string>("--name") { Description = "A new name", HelpName = "NAME" };
        var active = new Option<bool?>("--active") { Description = "Bookable (true) or not (false)", HelpName = "true|false" };
        var fields = new FieldOptions();
        var lab = new LabOptions();
        var command = new Command("update", "Change a resource: only the options given change (lab flags change only themselves)") { id, name, active };
        fields.AddTo(command);
        foreach (var option in lab.All)
        {
            command.Options.Add(option);
        }

        cli.SetAction(command, async (r, hub, ct) =>
        {
            var current = await hub.ResourceAsync(r.GetRequiredValue(id), ct);
            var resource = current.Clone();
            resource.Name = r.GetValue(name) ?? resource.Name;
            if (r.GetValue(active) is { } isActive)
            {
                resource.Active = isActive;
            }
            else
            {
                resource.ClearActive();
            }

            await fields.ApplyAsync(r, hub, resource, ct);

            // Unset: the hub keeps the policy as it is; set: the current one with the flags given.
            resource.LabPolicy = lab.AnyGiven(r) ? lab.Apply(r, current.LabPolicy) : null;
            resource.Maintenance = null;
            var updated = await hub.CallAsync(o => hub.Booking.UpdateResourceAsync(new UpdateResourceRequest { Resource = resource }, o), ct);
            return cli.Emit(r, updated, () =>
            {
                cli.Out.WriteLine($"Resource {updated.Name} ({updated.Id}) updated.");
                TextTable.WriteFields(cli.Out, [.. LabFields(updated)]);
            });
        });
        return command;
    }

    /// <summary>The lab policy and maintenance of a resource as <c>name: value</c> fields.</summary>
    internal static IEnumerable<(string, string)> LabFields(BookableResource resource)
    {
        var p = resource.LabPolicy ?? new LabPolicy();
        string Secs(int value, int fallback) => BookingText.Seconds(value == 0 ? fallback : value) + (value == 0 ? " (default)" : "");
        yield return ("node", Text.OrDash(resource.NodeId));
        yield return ("control programs", Text.OrDash(string.Join(", ", resource.ControlPrograms)));
        yield return ("lab policy", Text.Name(p.Mode));
        if (p.Mode != LabPolicyMode.Off)
        {
            yield return ("lab timing", $"warn {Secs(p.WarningLeadSeconds, 300)} before the end, stop {Secs(p.GraceSeconds, 60)} after, check every {Secs(p.CheckIntervalSeconds, 5)}");
            yield return ("lab exempt", p.ExemptAccounts.Count == 0 ? "root only" : "root, " + string.Join(", ", p.ExemptAccounts));
        }

        yield return ("lab os group", Text.OrDash(p.OsGroup));
        yield return ("maintenance", resource.Maintenance is { } m
            ? $"since {Text.Time(m.Since)} on node {m.NodeId}: {Text.OrDash(m.Reason)} (nobody may start its programs)"
            : "-");
    }

    private static ResourceKind Kind(string text) => text.Trim().ToLowerInvariant() switch
    {
        "lab" or "lab_installation" or "installation" => ResourceKind.LabInstallation,
        "room" => ResourceKind.Room,
        "device" => ResourceKind.Device,
        _ => throw CliException.Usage($"--kind \"{text}\" is not lab, room or device"),
    };

    /// <summary>The fields create and update share; on update, only those given change.</summary>
    private sealed class FieldOptions
    {
        private readonly Option<string> _description = new("--description") { Description = "What it is", HelpName = "TEXT" };
        private readonly Option<int?> _capacity = new("--capacity") { Description = "How many people it holds", HelpName = "N" };
        private readonly Option<string[]> _doors = new("--door") { Description = "A door (of its site) a booking opens; repeat for more, \"\" for none", HelpName = "NAME|ID" };
        private readonly Option<string> _node = new("--node") { Description = "The edge node (lab server) that runs it (\"\": none)", HelpName = "NODE" };
        private readonly Option<string[]> _programs = new("--control-program")
        {
            Description = "An absolute executable path or glob (e.g. /opt/matlab/bin/*) the node watches; repeat for more, \"\" for none",
            HelpName = "PATH",
        };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _description, _capacity, _doors, _node, _programs })
            {
                command.Options.Add(option);
            }
        }

        public async Task ApplyAsync(ParseResult r, HubConnection hub, BookableResource resource, CancellationToken ct)
        {
            resource.Description = r.GetValue(_description) ?? resource.Description;
            resource.Capacity = r.GetValue(_capacity) ?? resource.Capacity;
            if (r.GetValue(_node) is { } node)
            {
                resource.NodeId = node.Trim().ToLowerInvariant();
            }

            if (r.GetValue(_doors) is { Length: > 0 } doors)
            {
                resource.DoorIds.Clear();
                foreach (var door in doors.Where(d => d.Trim().Length > 0))
                {
                    resource.DoorIds.Add((await hub.DoorAsync(door, ct)).Id);
                }
            }

            if (r.GetValue(_programs) is { Length: > 0 } programs)
            {
                resource.ControlPrograms.Clear();
                resource.ControlPrograms.AddRange(programs.Where(p => p.Length > 0));
            }
        }
    }
}
