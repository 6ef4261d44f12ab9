using EdgeAccess.Cli.Tests.Infrastructure;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Cli.Tests;

/// <summary>The list commands, name resolution and --json on the demo campus.</summary>
public sealed class ListTests(CliHub hub) : IClassFixture<CliHub>
{
    private static readonly string[] DemoDoors = ["Main entrance", "Lab 1 (spectroscopy)", "Lab 2 (clean room)", "Server room"];

    [Fact]
    public async Task DoorsList_DemoCampus_ShowsFourDoorsInATable()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("doors", "list", "--site", "Demo");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.Matches(@"^ID\s+NAME\s+SITE\s+DIRECTION\s+PIN$", lines[0]);
        Assert.Equal(5, lines.Length);
        foreach (var door in DemoDoors)
        {
            Assert.Single(lines, l => l.Contains(door, StringComparison.Ordinal) && l.Contains("Demo Campus", StringComparison.Ordinal));
        }

        // Aligned: every column starts at the same offset on every line.
        var siteColumn = lines[0].IndexOf("SITE", StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.Equal(siteColumn, l.IndexOf("Demo Campus", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DoorsList_Json_PrintsTheProtobufResponse()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("doors", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var response = JsonParser.Default.Parse<ListDoorsResponse>(result.Out);
        Assert.Equal(DemoDoors.Order(), response.Doors.Select(d => d.Name).Order());
        Assert.Single(response.Doors, d => d.RequiresPin);
    }

    [Fact]
    public async Task DoorOption_AmbiguousName_UsageErrorListingCandidates()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("who-can-open", "--door", "lab");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: door \"lab\" is ambiguous", result.Err, StringComparison.Ordinal);
        Assert.Contains("Lab 1 (spectroscopy)", result.Err, StringComparison.Ordinal);
        Assert.Contains("Lab 2 (clean room)", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoorOption_UnknownName_NotFound()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("who-can-open", "--door", "Basement");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupsMembers_Transitive_ShowsMembersOfNestedGroups()
    {
        var user = await hub.SignedInAdminAsync();

        var direct = await user.RunAsync("groups", "members", "Staff");
        var transitive = await user.RunAsync("groups", "members", "Staff", "--transitive");

        Assert.True(direct.ExitCode == 0, direct.ToString());
        Assert.Equal("No members in Staff.\n", direct.Out.ReplaceLineEndings("\n"));
        Assert.True(transitive.ExitCode == 0, transitive.ToString());
        foreach (var (person, via) in new[] { ("Ada Lovelace", "Clean-room trained"), ("Ben Carter", "Chemistry"), ("Cleo Park", "IT operations") })
        {
            Assert.Single(transitive.Out.Split('\n'), l => l.StartsWith(person, StringComparison.Ordinal) && l.Contains(via, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task CardFind_NumberOnStdin_ShowsHolderAndLastDigitsOnly()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunWithInputAsync(CliHub.BenCard + "\n", "card", "find", "--number-stdin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"(?m)^holder:\s+Ben Carter ", result.Out);
        Assert.Matches(@"(?m)^card:\s+\*\*\*\*C3D5$", result.Out);
        Assert.Matches(@"(?m)^PIN:\s+set$", result.Out);
    }

    [Theory]
    [InlineData("Demo Campus", "sites", "list")]
    [InlineData("Office hours", "schedules", "list", "--site", "Demo Campus")]
    [InlineData("Clean-room trained", "groups", "list")]
    [InlineData("Ada Lovelace", "people", "list", "--name", "ada")]
    [InlineData("****C3D4", "cards", "list", "--person", "Ada")]
    [InlineData("Demo Campus", "--json", "sites", "list")]
    public async Task ListCommand_DemoData_ExitZeroAndShowsIt(string expected, params string[] args)
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync(args);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(expected, result.Out, StringComparison.Ordinal);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public async Task Schedules_OfficeHours_WeeklyHoursGrouped()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("schedules", "list");

        Assert.Single(result.Out.Split('\n'), l => l.Contains("Office hours", StringComparison.Ordinal) && l.EndsWith("Mon-Fri 07:00-19:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Audit_AfterBlockAndUnblock_ShowsCardUpdatesNewestFirst()
    {
        var user = await hub.SignedInAdminAsync();
        var cards = JsonParser.Default.Parse<ListCardsResponse>((await user.RunAsync("--json", "cards", "list", "--person", "Ben")).Out);
        var cardId = Assert.Single(cards.Cards).Id;
        Assert.Equal(0, (await user.RunAsync("cards", "lost", cardId)).ExitCode);
        Assert.Equal(0, (await user.RunAsync("cards", "unblock", cardId)).ExitCode);

        var result = await user.RunAsync("audit", "--entity-type", "Card", "--entity-id", cardId, "--limit", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"\badmin\s+update\s+Card\s+" + cardId + "$", lines[1]);
    }
}
