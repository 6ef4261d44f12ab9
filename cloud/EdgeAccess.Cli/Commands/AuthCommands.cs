using System.CommandLine;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cli.Commands;

/// <summary><c>login</c>, <c>logout</c>, <c>whoami</c>.</summary>
internal static class AuthCommands
{
    public static IEnumerable<Command> Create(CliContext cli) => [Login(cli), Logout(cli), WhoAmI(cli)];

    private static Command Login(CliContext cli)
    {
        var user = new Option<string>("--user", "-u") { Description = "The hub user to sign in as", HelpName = "NAME", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin")
        {
            Description = "Read the password from the first line of standard input (on a terminal you are prompted without echo)",
        };
        var command = new Command("login", "Sign in; the session (access and refresh token) is kept in session.json, mode 0600") { user, passwordStdin };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var username = r.GetRequiredValue(user);
            var password = await cli.ReadSecretAsync($"Password for {username} at {HubConnection.Key(hub.Hub)}: ", r.GetValue(passwordStdin), "--password-stdin", ct);
            var tokens = await HubConnection.CallAnonymousAsync(o => hub.Auth.LoginAsync(new LoginRequest { Username = username, Password = password }, o), ct);
            var summary = tokens.User ?? new UserSummary { Username = username };
            hub.SaveSession(tokens, summary.Username.Length > 0 ? summary.Username : username);
            return cli.Emit(r, summary, () => cli.Out.WriteLine(
                $"Signed in to {HubConnection.Key(hub.Hub)} as {summary.Username} ({Text.Name(summary.Role)}); session saved in {hub.Store.Path}"));
        });
        return command;
    }

    private static Command Logout(CliContext cli)
    {
        var command = new Command("logout", "Sign out: the hub ends the session and session.json is removed");
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var session = hub.Store.Load();
            if (session is null)
            {
                return cli.Emit(r, new Empty(), () => cli.Out.WriteLine("Not signed in."));
            }

            if (!string.Equals(session.Hub, HubConnection.Key(hub.Hub), StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException("FAILED_PRECONDITION", $"the session belongs to {session.Hub}; sign out there with: edgeaccess logout --hub {session.Hub}");
            }

            var note = "";
            try
            {
                await hub.CallAsync(o => hub.Auth.LogoutAsync(new LogoutRequest(), o), ct);
            }
            catch (Exception ex) when (ex is CliException { Status: "UNAUTHENTICATED" } or RpcException { StatusCode: StatusCode.Unauthenticated })
            {
                note = " (the session had already ended)";
            }

            hub.Store.Delete();
            return cli.Emit(r, new Empty(), () => cli.Out.WriteLine($"Signed out {session.Username} from {session.Hub}{note}."));
        });
        return command;
    }

    private static Command WhoAmI(CliContext cli)
    {
        var command = new Command("whoami", "Show the signed-in user");
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var me = await hub.CallAsync(o => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), o), ct);
            return cli.Emit(r, me, () => TextTable.WriteFields(cli.Out,
                ("user", me.Username),
                ("role", Text.Name(me.Role)),
                ("user id", me.UserId),
                ("person id", Text.OrDash(me.PersonId)),
                ("hub", HubConnection.Key(hub.Hub))));
        });
        return command;
    }
}
