using System.CommandLine;
using System.Globalization;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace EdgeAccess.Cli.Commands;

/// <summary>
/// <c>nodes unlock|lockdown|release|resync</c> queue a command for a node (its sync stream delivers
/// it while the node is connected, until the command's ttl runs out); <c>nodes commands</c> lists
/// them and <c>nodes cancel</c> withdraws one not yet delivered.
/// </summary>
internal static partial class NodeCommands
{
    private static Command Unlock(CliContext cli)
    {
        var door = new Option<string>("--door") { Description = "The door (of the node's site) to release", HelpName = "NAME|ID", Required = true };
        var seconds = new Option<int?>("--seconds") { Description = "How long the lock stays released, 1 to 300 (default: the node's 5 s)", HelpName = "N" };
        return Sender(cli, "unlock", "Release a door's lock momentarily (a remote buzz-in)", [door, seconds], async (r, hub, ct) =>
        {
            if (r.GetValue(seconds) is { } s && s is < 1 or > 300)
            {
                throw CliException.Usage("--seconds must be between 1 and 300");
            }

            var target = await hub.DoorAsync(r.GetRequiredValue(door), ct);
            var unlock = new UnlockDoor { DoorId = target.Id };
            if (r.GetValue(seconds) is { } duration)
            {
                unlock.Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(duration));
            }

            return new SendCommandRequest { UnlockDoor = unlock };
        });
    }

    private static Command Lockdown(CliContext cli)
    {
        var reason = new Option<string>("--reason") { Description = "Why (journaled by the node)", HelpName = "TEXT" };
        return Sender(cli, "lockdown", "Lock the node's doors down: every tap is denied (LOCKDOWN) until released", [reason], (r, _, _) =>
            Task.FromResult(new SendCommandRequest { Lockdown = new SetLockdown { Active = true, Reason = r.GetValue(reason) ?? "" } }));
    }

    private static Command Release(CliContext cli) =>
        Sender(cli, "release", "End a lockdown of the node's doors", [], (_, _, _) =>
            Task.FromResult(new SendCommandRequest { Lockdown = new SetLockdown { Active = false } }));

    private static Command Resync(CliContext cli) =>
        Sender(cli, "resync", "Make the node discard its replica and bootstrap it again from a snapshot", [], (_, _, _) =>
            Task.FromResult(new SendCommandRequest { Resync = new ForceResync() }));

    private static Command Commands(CliContext cli)
    {
        var id = NodeArgument();
        var command = new Command("commands", "List a node's commands, newest first, with their state and result") { id };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var nodeId = NodeId(r.GetRequiredValue(id));
            var all = await Pages.AllAsync(t => hub.CallAsync(o => hub.Nodes.ListCommandsAsync(new ListCommandsRequest { NodeId = nodeId, PageSize = Pages.Size, PageToken = t }, o), ct));
            var doors = all.Commands.Any(c => c.Command?.CommandCase == NodeCommand.CommandOneofCase.UnlockDoor)
                ? await JournalCommand.AllDoorNamesAsync(hub, ct)
                : [];
            return cli.Emit(r, all, () =>
            {
                var table = new TextTable("ID", "ISSUED", "BY", "COMMAND", "STATE", "EXPIRES", "DELIVERED", "COMPLETED", "RESULT");
                foreach (var status in all.Commands)
                {
                    var c = status.Command ?? new NodeCommand();
                    table.Add(c.Id, Text.Time(c.IssueTime), Text.OrDash(c.IssuedBy), Describe(c, doors), Text.Name(status.State), Text.Time(c.ExpireTime),
                        Text.Time(status.DeliverTime), Text.Time(status.CompleteTime), Text.OrDash(status.ResultMessage));
                }

                table.WriteTo(cli.Out, $"No commands for {nodeId}.");
            });
        });
        return command;
    }

    private static Command Cancel(CliContext cli)
    {
        var id = NodeArgument();
        var commandId = new Argument<string>("COMMAND_ID") { Description = "The command's id (see: nodes commands NODE)" };
        var command = new Command("cancel", "Withdraw a command the node has not received yet") { id, commandId };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var request = new CancelCommandRequest { NodeId = NodeId(r.GetRequiredValue(id)), CommandId = r.GetRequiredValue(commandId).Trim() };
            var status = await hub.CallAsync(o => hub.Nodes.CancelCommandAsync(request, o), ct);
            return cli.Emit(r, status, () => cli.Out.WriteLine($"Command {status.Command?.Id} for {status.NodeId} is {Text.Name(status.State)}."));
        });
        return command;
    }

    /// <summary>A command that queues one node command; every sender takes <c>--ttl</c>.</summary>
    private static Command Sender(CliContext cli, string name, string description, Option[] options,
        Func<ParseResult, HubConnection, CancellationToken, Task<SendCommandRequest>> build)
    {
        var id = NodeArgument();
        var ttl = new Option<string>("--ttl")
        {
            Description = "How long the command may wait for the node to be connected, e.g. 90s, 10m, 2h, 1d (default 10m, at most 7d)",
            HelpName = "DURATION",
        };
        var command = new Command(name, description) { id, ttl };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        cli.SetAction(command, async (r, hub, ct) =>
        {
            var nodeId = NodeId(r.GetRequiredValue(id));
            var wait = r.GetValue(ttl) is { } text ? DurationArgument.Parse("--ttl", text) : (TimeSpan?)null;
            var request = await build(r, hub, ct);
            request.NodeId = nodeId;
            request.RequestId = Guid.NewGuid().ToString();
            if (wait is { } span)
            {
                request.Ttl = Duration.FromTimeSpan(span);
            }

            var status = await hub.CallAsync(o => hub.Nodes.SendCommandAsync(request, o), ct);
            return cli.Emit(r, status, () =>
            {
                var c = status.Command ?? new NodeCommand();
                cli.Out.WriteLine($"{Text.Name(status.State)}: {name} for {status.NodeId} (command {c.Id}).");
                cli.Out.WriteLine($"The node receives it over its sync stream while connected, until {Text.Time(c.ExpireTime)}; see: edgeaccess nodes commands {status.NodeId}");
            });
        });
        return command;
    }

    private static string Describe(NodeCommand command, Dictionary<string, string> doors) => command.CommandCase switch
    {
        NodeCommand.CommandOneofCase.UnlockDoor => string.Create(CultureInfo.InvariantCulture,
            $"unlock {doors.GetValueOrDefault(command.UnlockDoor.DoorId, command.UnlockDoor.DoorId)}{(command.UnlockDoor.Duration is { } d ? $" {d.ToTimeSpan().TotalSeconds:0}s" : "")}"),
        NodeCommand.CommandOneofCase.Lockdown when command.Lockdown.Active =>
            command.Lockdown.Reason.Length > 0 ? $"lockdown ({command.Lockdown.Reason})" : "lockdown",
        NodeCommand.CommandOneofCase.Lockdown => "release lockdown",
        NodeCommand.CommandOneofCase.Resync => "resync",
        _ => "?",
    };
}
