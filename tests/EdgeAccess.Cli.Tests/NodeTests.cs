using System.Text.RegularExpressions;
using EdgeAccess.Cli.Tests.Infrastructure;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Cli.Tests;

/// <summary><c>nodes</c>: registry, enrollment codes and remote commands against the real hub (nodes that never connect).</summary>
public sealed partial class NodeTests(CliHub hub) : IClassFixture<CliHub>
{
    [Fact]
    public async Task NodesCreate_NewNode_PrintsTheEnrollmentCodeOnceClearlyLabelled()
    {
        var user = await hub.SignedInAdminAsync();
        var id = NewNodeId();

        var created = await user.RunAsync("nodes", "create", id, "--site", "Demo", "--description", "CLI test node");
        var show = await user.RunAsync("nodes", "show", id);
        var list = await user.RunAsync("nodes", "list", "--site", "Demo Campus");

        Assert.True(created.ExitCode == 0, created.ToString());
        var code = CodeLine().Match(created.Out);
        Assert.True(code.Success, created.ToString());
        Assert.Single(CodeLine().Matches(created.Out));
        Assert.Contains($"Node {id} created for site Demo Campus", created.Out, StringComparison.Ordinal);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches(@"(?m)^status:\s+PENDING$", show.Out);
        Assert.Matches(@"(?m)^health:\s+NEVER_CONNECTED$", show.Out);
        Assert.Matches(@"(?m)^connected:\s+no$", show.Out);
        Assert.Matches(@"(?m)^lag:\s+-$", show.Out);
        Assert.DoesNotContain(code.Groups[1].Value, show.Out, StringComparison.Ordinal);
        Assert.Matches(@"^ID\s+SITE\s+STATUS\s+HEALTH\s+LAG\s+LAST SEEN\s+DESCRIPTION", list.Out);
        Assert.Single(list.Out.Split('\n'), l => l.StartsWith(id + " ", StringComparison.Ordinal) && l.Contains("Demo Campus", StringComparison.Ordinal)
            && l.Contains("NEVER_CONNECTED", StringComparison.Ordinal) && l.EndsWith("CLI test node", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodesCreate_Json_HasTheCodeForScripts()
    {
        var user = await hub.SignedInAdminAsync();
        var id = NewNodeId();

        var result = await user.RunAsync("--json", "nodes", "create", id, "--site", "Demo Campus");

        Assert.True(result.ExitCode == 0, result.ToString());
        var enrollment = JsonParser.Default.Parse<NodeEnrollment>(result.Out);
        Assert.Equal(id, enrollment.Node.Id);
        Assert.NotEmpty(enrollment.EnrollmentCode);
    }

    [Fact]
    public async Task NodesCreate_IdTaken_AlreadyExists()
    {
        var user = await hub.SignedInAdminAsync();
        var id = NewNodeId();
        Assert.Equal(0, (await user.RunAsync("nodes", "create", id, "--site", "Demo Campus")).ExitCode);

        var again = await user.RunAsync("nodes", "create", id, "--site", "Demo Campus");

        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith("error: ALREADY_EXISTS: ", again.Err, StringComparison.Ordinal);
        Assert.Equal("", again.Out);
    }

    [Fact]
    public async Task NodesCodeThenRevoke_NewCodeThenRevokedAndNoMoreCodes()
    {
        var user = await hub.SignedInAdminAsync();
        var id = NewNodeId();
        var first = CodeLine().Match((await user.RunAsync("nodes", "create", id, "--site", "Demo Campus")).Out).Groups[1].Value;

        var code = await user.RunAsync("nodes", "code", id);
        var revoke = await user.RunAsync("nodes", "revoke", id);
        var codeAfter = await user.RunAsync("nodes", "code", id);

        Assert.True(code.ExitCode == 0, code.ToString());
        var second = CodeLine().Match(code.Out).Groups[1].Value;
        Assert.NotEmpty(second);
        Assert.NotEqual(first, second);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.StartsWith($"Node {id} is REVOKED", revoke.Out, StringComparison.Ordinal);
        Assert.Equal(1, codeAfter.ExitCode);
        Assert.StartsWith("error: FAILED_PRECONDITION: ", codeAfter.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodesShow_UnknownNode_NotFound()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("nodes", "show", "no-such-node");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodesList_NotSignedIn_Unauthenticated()
    {
        var result = await hub.NewUser().RunAsync("nodes", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: UNAUTHENTICATED: not signed in", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendCommands_QueuedAndListedNewestFirst_CancelWithdrawsOne()
    {
        var user = await hub.SignedInAdminAsync();
        var id = NewNodeId();
        Assert.Equal(0, (await user.RunAsync("nodes", "create", id, "--site", "Demo Campus")).ExitCode);

        var unlock = await user.RunAsync("nodes", "unlock", id, "--door", "Server room", "--seconds", "8", "--ttl", "2h");
        var lockdown = await user.RunAsync("nodes", "lockdown", id, "--reason", "drill");
        var release = await user.RunAsync("nodes", "release", id);
        var resync = await user.RunAsync("--json", "nodes", "resync", id, "--ttl", "90s");
        var resyncId = JsonParser.Default.Parse<NodeCommandStatus>(resync.Out).Command.Id;
        var cancel = await user.RunAsync("nodes", "cancel", id, resyncId);
        var list = await user.RunAsync("nodes", "commands", id);

        foreach (var result in new[] { unlock, lockdown, release, resync, cancel, list })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        Assert.StartsWith($"QUEUED: unlock for {id} (command ", unlock.Out, StringComparison.Ordinal);
        Assert.Contains($"is CANCELLED", cancel.Out, StringComparison.Ordinal);
        var lines = list.Out.TrimEnd().Split('\n');
        Assert.Matches(@"^ID\s+ISSUED\s+BY\s+COMMAND\s+STATE\s+EXPIRES\s+DELIVERED\s+COMPLETED\s+RESULT$", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.Matches(@"\badmin\s+resync\s+CANCELLED\s", lines[1]);
        Assert.Matches(@"\badmin\s+release lockdown\s+QUEUED\s", lines[2]);
        Assert.Matches(@"\badmin\s+lockdown \(drill\)\s+QUEUED\s", lines[3]);
        Assert.Matches(@"\badmin\s+unlock Server room 8s\s+QUEUED\s", lines[4]);
    }

    [Theory]
    [InlineData("--ttl", "soon")]
    [InlineData("--ttl", "0m")]
    [InlineData("--seconds", "301")]
    public async Task NodesUnlock_BadArgument_UsageErrorBeforeSending(string option, string value)
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("nodes", "unlock", "edge-x", "--door", "Server room", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: INVALID_ARGUMENT: {option} ", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodesUnlock_UnknownNode_NotFound()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("nodes", "unlock", "no-such-node", "--door", "Server room");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", result.Err, StringComparison.Ordinal);
    }

    private static string NewNodeId() => $"cli-{Guid.NewGuid():N}"[..16];

    [GeneratedRegex(@"(?m)^  ENROLLMENT CODE \(shown once\): (\S+)$")]
    private static partial Regex CodeLine();
}
