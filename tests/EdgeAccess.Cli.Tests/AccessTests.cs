using EdgeAccess.Cli.Tests.Infrastructure;

namespace EdgeAccess.Cli.Tests;

/// <summary>explain and who-can-open on the demo campus (times in Europe/Berlin; 2026-03-30 is a Monday, CEST).</summary>
public sealed class AccessTests(CliHub hub) : IClassFixture<CliHub>
{
    private const string MondayMorning = "2026-03-30T10:00:00+02:00";

    [Fact]
    public async Task Explain_AdaAtLab2OnWeekdayMorning_GrantedWithPinRequired()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunWithInputAsync(CliHub.AdaCard + "\n", "explain", "--card-number-stdin", "--door", "Lab 2", "--at", MondayMorning);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("GRANTED (PIN required)", result.Out, StringComparison.Ordinal);
        Assert.Contains("Lab 2 (clean room)", result.Out, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", result.Out, StringComparison.Ordinal);
        Assert.Contains("****C3D4", result.Out, StringComparison.Ordinal);
        Assert.Contains("Clean-room trained", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_AdaAtLab2At23LocalTime_OutsideSchedule()
    {
        var user = await hub.SignedInAdminAsync();

        // No offset: the door's local time (Europe/Berlin), i.e. 21:00Z.
        var result = await user.RunWithInputAsync(CliHub.AdaCard + "\n", "explain", "--card-number-stdin", "--door", "Lab 2", "--at", "2026-03-30T23:00");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("DENIED: OUTSIDE_SCHEDULE", result.Out, StringComparison.Ordinal);
        Assert.Contains("23:00", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhoCanOpen_Lab1OnWeekdayMorning_ListsAdaAndBenNotCleo()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("who-can-open", "--door", "Lab 1", "--at", MondayMorning);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Ada Lovelace", result.Out, StringComparison.Ordinal);
        Assert.Contains("Ben Carter", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Cleo Park", result.Out, StringComparison.Ordinal);
        Assert.Contains("2 card(s)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CardBlock_ThenExplain_CardBlocked()
    {
        var user = await hub.SignedInAdminAsync();
        var cardId = await CardIdAsync(user, "Cleo");

        var block = await user.RunAsync("cards", "block", cardId);
        var blocked = await user.RunAsync("explain", "--card", cardId, "--door", "Server room", "--at", MondayMorning);
        var unblock = await user.RunAsync("cards", "unblock", cardId);
        var again = await user.RunAsync("explain", "--card", cardId, "--door", "Server room", "--at", MondayMorning);

        Assert.True(block.ExitCode == 0, block.ToString());
        Assert.Contains("Cleo Park", block.Out, StringComparison.Ordinal);
        Assert.Contains("BLOCKED", block.Out, StringComparison.Ordinal);
        Assert.StartsWith("DENIED: CARD_BLOCKED", blocked.Out, StringComparison.Ordinal);
        Assert.True(unblock.ExitCode == 0, unblock.ToString());
        Assert.StartsWith("GRANTED", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_NeitherCardNorNumber_UsageError()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("explain", "--door", "Lab 2");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_CardNumberGivenAsCardId_UsageErrorWithoutEchoingIt()
    {
        var user = await hub.SignedInAdminAsync();

        var result = await user.RunAsync("explain", "--card", CliHub.BenCard, "--door", "Lab 1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--card-number-stdin", result.Err, StringComparison.Ordinal);
    }

    private static async Task<string> CardIdAsync(CliUser user, string person)
    {
        var cards = await user.RunAsync("--json", "cards", "list", "--person", person);
        Assert.True(cards.ExitCode == 0, cards.ToString());
        var response = Google.Protobuf.JsonParser.Default.Parse<Protos.V1.ListCardsResponse>(cards.Out);
        return Assert.Single(response.Cards).Id;
    }
}
