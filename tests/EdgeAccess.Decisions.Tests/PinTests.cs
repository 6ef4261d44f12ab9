using static EdgeAccess.Decisions.Tests.TestReplica;

namespace EdgeAccess.Decisions.Tests;

public class PinTests
{
    [Fact]
    public void Decide_PinDoorRightPin_Granted() =>
        Assert.True(DoorDecider.Decide(Index(), Tap("A1B2C3", MondayTen, PinDoor, Pin)).Granted);

    [Fact]
    public void Decide_PinDoorWrongPin_PinWrong() =>
        Assert.Equal(DecisionReason.PinWrong, DoorDecider.Decide(Index(), Tap("A1B2C3", MondayTen, PinDoor, "0000")).Reason);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Decide_PinDoorNoPin_PinRequired(string? pin) =>
        Assert.Equal(DecisionReason.PinRequired, DoorDecider.Decide(Index(), Tap("A1B2C3", MondayTen, PinDoor, pin)).Reason);

    [Fact]
    public void Decide_PinDoorCardWithoutPin_PinNotSet()
    {
        var builder = Builder();
        builder.Add(Card("card-1", "A1B2C3"));

        Assert.Equal(DecisionReason.PinNotSet, DoorDecider.Decide(builder.Build(), Tap("A1B2C3", MondayTen, PinDoor, Pin)).Reason);
    }

    [Fact]
    public void Decide_TermRequiresPinAtPlainDoor_PinRequired()
    {
        var builder = Builder();
        builder.Add(Right("card-1", MainDoor, Term(Office, pin: true)));
        var index = builder.Build();

        Assert.Equal(DecisionReason.PinRequired, DoorDecider.Decide(index, Tap("A1B2C3", MondayTen)).Reason);
        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", MondayTen, MainDoor, Pin)).Granted);
    }

    [Fact]
    public void Decide_PinAndNoPinTermsBothAdmit_NoPinNeeded()
    {
        var builder = Builder();
        builder.Add(Right("card-1", MainDoor, Term(Always, pin: true), Term(Office)));

        Assert.True(DoorDecider.Decide(builder.Build(), Tap("A1B2C3", MondayTen)).Granted);
    }

    [Fact]
    public void Decide_DamagedPinHash_PinWrong()
    {
        var builder = Builder();
        builder.Add(Card("card-1", "A1B2C3", pinHash: "not*base64"));

        Assert.Equal(DecisionReason.PinWrong, DoorDecider.Decide(builder.Build(), Tap("A1B2C3", MondayTen, PinDoor, Pin)).Reason);
    }

    [Fact]
    public void Decide_PinDoorOutsideSchedule_ScheduleReasonBeforePin()
    {
        var builder = Builder();
        builder.Add(Right("card-1", PinDoor, Term(Office)));

        var decision = DoorDecider.Decide(builder.Build(), Tap("A1B2C3", Local(2026, 3, 30, 20, 0), PinDoor));

        Assert.Equal(DecisionReason.OutsideSchedule, decision.Reason);
    }
}
