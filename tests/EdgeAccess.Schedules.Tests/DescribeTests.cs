using NodaTime;
using static EdgeAccess.Schedules.Tests.TestSchedules;

namespace EdgeAccess.Schedules.Tests;

public class DescribeTests
{
    [Fact]
    public void Describe_WeeklyWithOvernightHolidaysAndSpecialDay_OneLine()
    {
        var schedule = Compile(
            [W(IsoDayOfWeek.Tuesday, "08:00", "18:00"), W(IsoDayOfWeek.Monday, "22:00", "06:00"), W(IsoDayOfWeek.Monday, "08:00", "18:00")],
            holidayIntervals: [D("10:00", "24:00")],
            specialDays: [new(new(2026, 12, 24), [D("08:00", "12:00")], "Christmas Eve")],
            holidays: new Dictionary<LocalDate, string> { [new(2026, 12, 25)] = "Christmas Day" });

        Assert.Equal(
            "Mon 08:00–18:00, Mon 22:00–06:00(+1), Tue 08:00–18:00; holidays: 10:00–24:00 (1 date); 1 special day",
            schedule.Describe());
        Assert.Equal("Thu 2026-12-24 special day \"Christmas Eve\": 08:00–12:00", schedule.Describe(new(2026, 12, 24)));
        Assert.Equal("Fri 2026-12-25 holiday \"Christmas Day\": 10:00–24:00", schedule.Describe(new(2026, 12, 25)));
        Assert.Equal("Tue 2026-12-29: 08:00–18:00", schedule.Describe(new(2026, 12, 29)));
        Assert.Equal("Wed 2026-12-30: closed", schedule.Describe(new(2026, 12, 30)));
    }

    [Fact]
    public void ToString_Verdicts_ReadableForExplainOutput()
    {
        var schedule = Compile(
            [W(IsoDayOfWeek.Monday, "22:00", "06:00")],
            holidays: new Dictionary<LocalDate, string> { [new(2026, 12, 25)] = "Christmas Day" });

        Assert.Equal("allowed (InSchedule): Mon 2026-03-30 22:00–06:00(+1)", schedule.Evaluate(At(2026, 3, 31, 1, 0)).ToString());
        Assert.Equal("denied (Holiday): 2026-12-25 \"Christmas Day\"", schedule.Evaluate(At(2026, 12, 25, 1, 0)).ToString());
        Assert.Equal("always (24/7)", CompiledSchedule.Compile(ScheduleDefinition.Always(Id)).Describe());
    }
}
