using NodaTime;
using static EdgeAccess.Schedules.Tests.TestSchedules;

namespace EdgeAccess.Schedules.Tests;

// 2026-12-24 is a Thursday, 2026-12-25 a Friday.
public class SpecialDayTests
{
    private static readonly LocalDate ChristmasEve = new(2026, 12, 24);
    private static readonly LocalDate ChristmasDay = new(2026, 12, 25);

    private static readonly WeeklyInterval[] EveryDayEightToEight =
        [.. Enumerable.Range(1, 7).Select(d => W((IsoDayOfWeek)d, "08:00", "20:00"))];

    [Fact]
    public void Evaluate_SpecialDay_OverridesWeeklyIntervals()
    {
        var schedule = Compile(EveryDayEightToEight, specialDays: [new(ChristmasEve, [D("08:00", "12:00")], "Christmas Eve")]);

        var morning = schedule.Evaluate(At(2026, 12, 24, 9, 0));
        var afternoon = schedule.Evaluate(At(2026, 12, 24, 13, 0));

        Assert.True(morning.Allowed);
        Assert.Equal(ScheduleReason.SpecialDay, morning.Reason);
        Assert.Equal("Christmas Eve", morning.DayName);
        Assert.False(afternoon.Allowed);
        Assert.Equal(ScheduleReason.SpecialDay, afternoon.Reason);
    }

    [Fact]
    public void Evaluate_SpecialDayOnHoliday_TakesPrecedence()
    {
        var schedule = Compile(
            EveryDayEightToEight,
            specialDays: [new(ChristmasDay, [D("10:00", "12:00")], "Open house")],
            holidays: new Dictionary<LocalDate, string> { [ChristmasDay] = "Christmas Day" });

        var verdict = schedule.Evaluate(At(2026, 12, 25, 11, 0));

        Assert.True(verdict.Allowed);
        Assert.Equal(ScheduleDayKind.SpecialDay, verdict.Source);
        Assert.Equal("Open house", verdict.DayName);
    }

    [Fact]
    public void Evaluate_EmptySpecialDay_ClosedAllDay()
    {
        var schedule = Compile(EveryDayEightToEight, specialDays: [new(ChristmasEve, [], "Inventory")]);

        var verdict = schedule.Evaluate(At(2026, 12, 24, 12, 0));

        Assert.False(verdict.Allowed);
        Assert.Equal(ScheduleReason.SpecialDay, verdict.Reason);
        Assert.Equal("Inventory", verdict.DayName);
    }

    [Fact]
    public void Evaluate_SpecialDayWhenIgnoringHolidays_StillApplies()
    {
        var schedule = Compile(EveryDayEightToEight, specialDays: [new(ChristmasEve, [])], ignoresHolidays: true);

        Assert.False(schedule.Evaluate(At(2026, 12, 24, 12, 0)).Allowed);
        Assert.False(schedule.IsAlways);
    }

    [Fact]
    public void Evaluate_ClosedSpecialDayBeforeWeeklyOvernight_SuppressesCarry()
    {
        var schedule = Compile([W(IsoDayOfWeek.Thursday, "22:00", "06:00")], specialDays: [new(ChristmasEve, [], "Closed")]);

        var verdict = schedule.Evaluate(At(2026, 12, 25, 2, 0));

        Assert.False(verdict.Allowed);
        Assert.Equal(ScheduleReason.SpecialDay, verdict.Reason);
        Assert.Equal(ChristmasEve, verdict.Date);
    }

    [Fact]
    public void Evaluate_OvernightSpecialDayInterval_RunsIntoNextMorning()
    {
        var schedule = Compile([], specialDays: [new(ChristmasEve, [D("23:00", "01:00")], "Midnight mass")]);

        var verdict = schedule.Evaluate(At(2026, 12, 25, 0, 30));

        Assert.True(verdict.Allowed);
        Assert.Equal(ScheduleReason.SpecialDay, verdict.Reason);
        Assert.Equal(ChristmasEve, verdict.Date);
    }
}
