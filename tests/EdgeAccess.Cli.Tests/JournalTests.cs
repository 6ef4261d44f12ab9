using EdgeAccess.Cli.Tests.Infrastructure;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Cli.Tests;

/// <summary><c>journal</c>'s filters and argument checks against the real hub (events themselves: <see cref="TapTests"/>).</summary>
public sealed class JournalTests(CliHub hub) : IClassFixture<CliHub>
{
    [Fact]
    public async Task Journal_NothingMatches_SaysSo()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("journal", "--node", "no-such-node", "--site", "Demo", "--door", "Lab 2", "--person", "Ben",
            "--kind", "door.decision", "--result", "granted", "--from", "2026-01-01T00:00", "--to", "2030-01-01T00:00:00Z");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("No events.\n", result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Journal_Json_PrintsTheProtobufResponse()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("--json", "journal", "--node", "no-such-node");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(JsonParser.Default.Parse<ListEventsResponse>(result.Out).Events);
    }

    [Theory]
    [InlineData("--result", "maybe")]
    [InlineData("--limit", "0")]
    [InlineData("--card", "04A1B2C3D4")]
    [InlineData("--from", "yesterday")]
    public async Task Journal_BadFilter_UsageError(string option, string value)
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("journal", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_FromAfterTo_HubRefusesNamingTheField()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("journal", "--from", "2026-02-01T00:00:00Z", "--to", "2026-01-01T00:00:00Z");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", result.Err, StringComparison.Ordinal);
    }
}
