using NodaTime;
using static EdgeAccess.Decisions.Tests.TestReplica;

namespace EdgeAccess.Decisions.Tests;

/// <summary>
/// A term with an empty schedule id (a booking's term) has no schedule restriction: it admits at
/// any wall-clock time inside its validity window, holidays included, and nothing outside it.
/// </summary>
public class UnrestrictedTermTests
{
    private static readonly Instant From = Local(2026, 12, 24, 21, 45);
    private static readonly Instant To = Local(2026, 12, 25, 3, 15);

    private static DecisionIndex BookingIndex(bool pin = false)
    {
        var builder = Builder();
        builder.Add(Right("card-1", MainDoor, Term("", From, To, pin)));
        return builder.Build();
    }

    [Fact]
    public void Decide_EmptyScheduleInsideWindow_GrantedAtNightAndOnHoliday()
    {
        var index = BookingIndex();

        // Christmas Eve night into Christmas Day: no schedule admits it, the booking's term does.
        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", From)).Granted);
        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", Local(2026, 12, 25, 2, 0))).Granted);
        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", To - Duration.FromTicks(1))).Granted);
    }

    [Fact]
    public void Decide_EmptyScheduleOutsideWindow_NotValidAtTime()
    {
        var index = BookingIndex();

        Assert.Equal(DecisionReason.NotValidAtTime, DoorDecider.Decide(index, Tap("A1B2C3", From - Duration.FromTicks(1))).Reason);
        Assert.Equal(DecisionReason.NotValidAtTime, DoorDecider.Decide(index, Tap("A1B2C3", To)).Reason);
    }

    [Fact]
    public void Decide_EmptyScheduleWithPin_PinStillRequired()
    {
        var index = BookingIndex(pin: true);

        Assert.Equal(DecisionReason.PinRequired, DoorDecider.Decide(index, Tap("A1B2C3", From)).Reason);
        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", From, pin: Pin)).Granted);
    }

    [Fact]
    public void Decide_EmptyScheduleBesideOfficeTerm_EitherAdmits()
    {
        var builder = Builder();
        builder.Add(Right("card-1", MainDoor, Term(Office), Term("", From, To)));
        var index = builder.Build();

        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", MondayTen)).Granted);
        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", Local(2026, 12, 25, 1, 0))).Granted);
        Assert.Equal(DecisionReason.OutsideSchedule, DoorDecider.Decide(index, Tap("A1B2C3", Local(2026, 3, 30, 19, 0))).Reason);
    }

    [Fact]
    public void Build_EmptyScheduleId_NotCountedUnreadable()
    {
        var index = BookingIndex();

        Assert.Equal(0, index.Statistics.UnreadableSchedules);
    }
}
