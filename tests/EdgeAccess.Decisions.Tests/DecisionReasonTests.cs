using EdgeAccess.Protos.V1;
using NodaTime;
using static EdgeAccess.Decisions.Tests.TestReplica;

namespace EdgeAccess.Decisions.Tests;

public class DecisionReasonTests
{
    private static Decision Decide(DecisionIndex index, DecisionRequest request) => DoorDecider.Decide(index, request);

    [Fact]
    public void Decide_RightInSchedule_GrantedWithPositionAndCard()
    {
        var decision = Decide(Index(), Tap("a1b2-c3", MondayTen));

        Assert.True(decision.Granted);
        Assert.Equal(DecisionReason.Granted, decision.Reason);
        Assert.Equal(DecisionFlags.None, decision.Flags);
        Assert.Equal(42, decision.ReplicaPosition);
        Assert.Equal("card-1", decision.CardId);
    }

    [Fact]
    public void Decide_UnknownDoor_UnknownDoor() =>
        Assert.Equal(DecisionReason.UnknownDoor, Decide(Index(), Tap("A1B2C3", MondayTen, door: "door-x")).Reason);

    [Fact]
    public void Decide_UnknownCard_UnknownCard() =>
        Assert.Equal(DecisionReason.UnknownCard, Decide(Index(), Tap("FFFF0000", MondayTen)).Reason);

    [Theory]
    [InlineData(CardStatus.Blocked, DecisionReason.CardBlocked)]
    [InlineData(CardStatus.Lost, DecisionReason.CardLost)]
    public void Decide_CardNotActive_StatusReason(CardStatus status, DecisionReason expected)
    {
        var builder = Builder();
        builder.Add(Card("card-1", "A1B2C3", status));

        var decision = Decide(builder.Build(), Tap("A1B2C3", MondayTen));

        Assert.False(decision.Granted);
        Assert.Equal(expected, decision.Reason);
    }

    [Fact]
    public void Decide_BeforeCardValidity_CardNotYetValid()
    {
        var builder = Builder();
        builder.Add(Card("card-1", "A1B2C3", from: MondayTen + Duration.FromMinutes(1)));

        Assert.Equal(DecisionReason.CardNotYetValid, Decide(builder.Build(), Tap("A1B2C3", MondayTen)).Reason);
    }

    [Fact]
    public void Decide_AtCardValidityEnd_CardExpired()
    {
        var builder = Builder();
        builder.Add(Card("card-1", "A1B2C3", to: MondayTen));

        Assert.Equal(DecisionReason.CardExpired, Decide(builder.Build(), Tap("A1B2C3", MondayTen)).Reason);
        Assert.True(Decide(builder.Build(), Tap("A1B2C3", MondayTen - Duration.FromTicks(1))).Granted);
    }

    [Fact]
    public void Decide_NoRightAtDoor_NoRight()
    {
        var builder = Builder();
        builder.Add(new DoorRecord { Id = "door-side" });

        Assert.Equal(DecisionReason.NoRight, Decide(builder.Build(), Tap("A1B2C3", MondayTen, door: "door-side")).Reason);
    }

    [Fact]
    public void Decide_TermWindows_OnlyInsideAnyWindow()
    {
        var builder = Builder();
        var week1 = Local(2026, 3, 30, 0, 0);
        var week3 = Local(2026, 4, 13, 0, 0);
        builder.Add(Right("card-1", MainDoor,
            Term(Office, week1, week1 + Duration.FromDays(7)),
            Term(Office, week3, week3 + Duration.FromDays(7))));
        var index = builder.Build();

        Assert.True(Decide(index, Tap("A1B2C3", MondayTen)).Granted);
        Assert.Equal(DecisionReason.NotValidAtTime, Decide(index, Tap("A1B2C3", MondayTen + Duration.FromDays(7))).Reason);
        Assert.True(Decide(index, Tap("A1B2C3", MondayTen + Duration.FromDays(14))).Granted);
        Assert.Equal(DecisionReason.NotValidAtTime, Decide(index, Tap("A1B2C3", MondayTen + Duration.FromDays(21))).Reason);
    }

    [Fact]
    public void Decide_AnyTermAdmits_Granted()
    {
        var builder = Builder();
        builder.Add(Right("card-1", MainDoor, Term(Night), Term(Office)));

        Assert.True(Decide(builder.Build(), Tap("A1B2C3", MondayTen)).Granted);
    }

    [Fact]
    public void Decide_ValidTermOutsideHours_OutsideSchedule() =>
        Assert.Equal(DecisionReason.OutsideSchedule, Decide(Index(), Tap("A1B2C3", Local(2026, 3, 30, 19, 0))).Reason);

    [Fact]
    public void Decide_OfficeHoursOnHoliday_Holiday() =>
        Assert.Equal(DecisionReason.Holiday, Decide(Index(), Tap("A1B2C3", Local(2026, 12, 25, 10, 0))).Reason);

    [Fact]
    public void Decide_TermWithUnknownSchedule_OutsideSchedule()
    {
        var builder = Builder();
        builder.Add(Right("card-1", MainDoor, Term(Missing)));

        Assert.Equal(DecisionReason.OutsideSchedule, Decide(builder.Build(), Tap("A1B2C3", MondayTen)).Reason);
    }

    [Fact]
    public void Decide_NullDoorId_UnknownDoor() =>
        Assert.Equal(DecisionReason.UnknownDoor, Decide(Index(), Tap("A1B2C3", MondayTen) with { DoorId = null! }).Reason);
}
