using System.CommandLine;
using EdgeAccess.Cli.Internal;

namespace EdgeAccess.Cli.Commands;

/// <summary>The <c>edgeaccess</c> command tree.</summary>
internal static class CommandTree
{
    public static RootCommand Build(CliContext cli)
    {
        var root = new RootCommand("edgeaccess: the EdgeAccess hub's admin client. Sign in once with 'edgeaccess login --user NAME'; "
            + "names given for --site, --door, --group, --person or --resource match exactly or as a unique part of the name, or give the id.");
        root.Options.Add(cli.Hub);
        root.Options.Add(cli.Json);
        var commands = AuthCommands.Create(cli)
            .Concat(SiteCommands.Create(cli))
            .Concat(GroupCommands.Create(cli))
            .Concat(PeopleCommands.Create(cli))
            .Concat(AccessCommands.Create(cli))
            .Append(AuditCommand.Create(cli))
            .Append(ImportCommand.Create(cli))
            .Append(NodeCommands.Create(cli))
            .Append(JournalCommand.Create(cli))
            .Append(TapCommand.Create(cli))
            .Concat(ResourceCommands.Create(cli))
            .Append(BookingCommands.Create(cli));
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Every command and option name and alias of the tree: safe to echo in an error.</summary>
    public static IReadOnlySet<string> Names(Command root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Collect(root, names);
        return names;
    }

    private static void Collect(Command command, HashSet<string> names)
    {
        names.Add(command.Name);
        names.UnionWith(command.Aliases);
        foreach (var option in command.Options)
        {
            names.Add(option.Name);
            names.UnionWith(option.Aliases);
        }

        foreach (var sub in command.Subcommands)
        {
            Collect(sub, names);
        }
    }
}
