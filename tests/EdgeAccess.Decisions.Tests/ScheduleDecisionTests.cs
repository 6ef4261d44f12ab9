using NodaTime;
using static EdgeAccess.Decisions.Tests.TestReplica;

namespace EdgeAccess.Decisions.Tests;

public class ScheduleDecisionTests
{
    private const string Sunday = "44444444-4444-4444-4444-444444444444";

    [Fact]
    public void Decide_OverMidnightShift_GrantedUntilMorningNextDay()
    {
        var builder = Builder();
        builder.Add(Right("card-1", MainDoor, Term(Night)));
        var index = builder.Build();

        Assert.Equal(DecisionReason.OutsideSchedule, DoorDecider.Decide(index, Tap("A1B2C3", Local(2026, 4, 2, 21, 59))).Reason);
        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", Local(2026, 4, 2, 23, 30))).Granted);
        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", Local(2026, 4, 3, 5, 59))).Granted);
        Assert.Equal(DecisionReason.OutsideSchedule, DoorDecider.Decide(index, Tap("A1B2C3", Local(2026, 4, 3, 6, 0))).Reason);
    }

    [Fact]
    public void Decide_NightShiftStartingOnHoliday_Holiday()
    {
        var builder = Builder();
        builder.Add(Schedule(Night, [(4, 22 * 60, 6 * 60)], false, ("2026-12-24", "Christmas Eve")));
        builder.Add(Right("card-1", MainDoor, Term(Night)));

        // Thursday 2026-12-24 is a holiday, so its 22:00–06:00 shift is suppressed, morning included.
        Assert.Equal(DecisionReason.Holiday, DoorDecider.Decide(builder.Build(), Tap("A1B2C3", Local(2026, 12, 25, 2, 0))).Reason);
    }

    [Fact]
    public void Decide_SpringForwardInsideSkippedHour_NeverGranted()
    {
        // Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:00–03:00 never happens on the wall clock.
        var granted = GrantedMinutesOnSunday(new LocalDate(2026, 3, 29), 2 * 60, 3 * 60);

        Assert.Equal(0, granted);
    }

    [Fact]
    public void Decide_SpringForwardSpanningGap_OneHourShorter()
    {
        var granted = GrantedMinutesOnSunday(new LocalDate(2026, 3, 29), 1 * 60, 4 * 60);

        Assert.Equal(120, granted);
    }

    [Fact]
    public void Decide_FallBackRepeatedHour_GrantedOnBothOccurrences()
    {
        // Berlin 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:00–03:00 happens twice.
        var granted = GrantedMinutesOnSunday(new LocalDate(2026, 10, 25), 2 * 60, 3 * 60);

        Assert.Equal(120, granted);
        var first = Instant.FromUtc(2026, 10, 25, 0, 30);  // 02:30 CEST
        var second = Instant.FromUtc(2026, 10, 25, 1, 30); // 02:30 CET
        var index = SundayIndex(2 * 60, 3 * 60);
        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", first)).Granted);
        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", second)).Granted);
    }

    private static DecisionIndex SundayIndex(int start, int end)
    {
        var builder = Builder();
        builder.Add(Schedule(Sunday, [(7, start, end)]));
        builder.Add(Right("card-1", MainDoor, Term(Sunday)));
        return builder.Build();
    }

    private static int GrantedMinutesOnSunday(LocalDate date, int start, int end)
    {
        var index = SundayIndex(start, end);
        var from = Berlin.AtStartOfDay(date).ToInstant();
        var to = Berlin.AtStartOfDay(date.PlusDays(1)).ToInstant();
        var granted = 0;
        for (var at = from; at < to; at += Duration.FromMinutes(1))
        {
            granted += DoorDecider.Decide(index, Tap("A1B2C3", at)).Granted ? 1 : 0;
        }

        return granted;
    }
}
