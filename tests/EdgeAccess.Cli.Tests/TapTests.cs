using EdgeAccess.Cli.Tests.Infrastructure;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Cli.Tests;

/// <summary>
/// <c>tap</c> against a real edge node process enrolled at the real hub, then <c>journal</c> and
/// <c>nodes show</c> seeing what it did; and <c>tap</c>'s argument checks, which need no node.
/// </summary>
public sealed class TapTests(CliHub hub) : IClassFixture<CliHub>
{
    [Fact]
    public async Task Tap_EnrolledEdge_DecidesEachLineThenJournalShowsThem()
    {
        var user = await hub.SignedInAdminAsync();
        var nodeId = $"tap-{Guid.NewGuid():N}"[..16];
        var created = await user.RunAsync("--json", "nodes", "create", nodeId, "--site", "Demo Campus");
        Assert.True(created.ExitCode == 0, created.ToString());
        var code = JsonParser.Default.Parse<NodeEnrollment>(created.Out).EnrollmentCode;
        var doors = JsonParser.Default.Parse<ListDoorsResponse>((await user.RunAsync("--json", "doors", "list")).Out);
        var serverRoom = doors.Doors.Single(d => d.Name == "Server room").Id;
        using var edge = new EdgeNode(hub, nodeId, code);

        // Until the node has enrolled and taken its snapshot it does not know the door.
        CliResult tap = null!;
        for (var i = 0; i < 240; i++)
        {
            Assert.False(edge.HasExited, edge.Tail());
            tap = await user.RunWithInputAsync(CliHub.CleoCard + "\n", "tap", "--edge", edge.Address, "--door", serverRoom);
            if (tap.Out.StartsWith("GRANTED", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.True(tap.ExitCode == 0 && tap.Out.StartsWith("GRANTED", StringComparison.Ordinal), $"{tap}\n{edge.Tail()}");

        // Cleo (IT operations: server room always), Ada (no right there), an unknown card; with a blank line.
        var taps = await user.RunWithInputAsync($"{CliHub.CleoCard}\n{CliHub.AdaCard}\n\n0000 FFFF 1234\n", "tap", "--edge", edge.Address, "--door", serverRoom);

        Assert.True(taps.ExitCode == 0, taps.ToString());
        var lines = taps.Out.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^GRANTED  card \*\*\*\*C3D6  reason: GRANTED  replica position: [1-9]\d*  journal seq: \d+  flags: -$", lines[0]);
        Assert.Matches(@"^DENIED   card \*\*\*\*C3D4  reason: NO_RIGHT  ", lines[1]);
        Assert.Matches(@"^DENIED   card \*\*\*\*1234  reason: UNKNOWN_CARD  ", lines[2]);
        Assert.DoesNotContain("0000FFFF", taps.Out, StringComparison.OrdinalIgnoreCase);

        // The node uploads its journal over the sync stream: the hub shows the decisions.
        CliResult journal = null!;
        for (var i = 0; i < 120; i++)
        {
            journal = await user.RunAsync("journal", "--node", nodeId, "--result", "denied", "--limit", "5");
            if (journal.Out.Contains("unknown_card", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.True(journal.ExitCode == 0, journal.ToString());
        var rows = journal.Out.TrimEnd().Split('\n');
        Assert.Matches(@"^TIME\s+NODE\s+SEQ\s+KIND\s+DOOR\s+PERSON\s+RESULT\s+DETAILS$", rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.Matches(@$"\s{nodeId}\s+\d+\s+door\.decision\s+Server room\s+-\s+denied \(unknown_card\)", rows[1]);
        Assert.Matches(@$"\s{nodeId}\s+\d+\s+door\.decision\s+Server room\s+Ada Lovelace\s+denied \(no_right\)", rows[2]);

        var granted = await user.RunAsync("journal", "--node", nodeId, "--person", "Cleo", "--result", "granted", "--limit", "1");
        Assert.Single(granted.Out.TrimEnd().Split('\n').Skip(1), l => l.Contains("Cleo Park", StringComparison.Ordinal) && l.Contains(" granted ", StringComparison.Ordinal));

        var show = await user.RunAsync("nodes", "show", nodeId);
        Assert.Matches(@"(?m)^status:\s+ACTIVE$", show.Out);
        Assert.Matches(@"(?m)^health:\s+ONLINE$", show.Out);
        Assert.Matches(@"(?m)^connected:\s+yes$", show.Out);
    }

    [Fact]
    public async Task Tap_NoEdgeListening_UnavailableNamingTheEdge()
    {
        var user = hub.NewUser();

        var result = await user.RunWithInputAsync(CliHub.AdaCard + "\n", "tap", "--edge", "http://127.0.0.1:9", "--door", Guid.NewGuid().ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: UNAVAILABLE: ", result.Err, StringComparison.Ordinal);
        Assert.Contains("is the edge node at http://127.0.0.1:9 running?", result.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "tap", "--door", "d1")]
    [InlineData("04A1B2C3D5\n", "tap", "--door", "d1", "--pin-stdin")]
    [InlineData("04A1B2C3D4\n", "tap", "--door", "d1", "--edge", "ftp://x")]
    [InlineData("04A1B2C3D4\n", "tap")]
    public async Task Tap_BadUsage_ExitTwoWithoutEchoingTheCard(string stdin, params string[] args)
    {
        var result = await hub.NewUser().RunWithInputAsync(stdin, args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", result.Err, StringComparison.Ordinal);
    }
}
