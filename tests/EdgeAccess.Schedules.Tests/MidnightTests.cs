using NodaTime;
using static EdgeAccess.Schedules.Tests.TestSchedules;

namespace EdgeAccess.Schedules.Tests;

// 2026-03-29 is a Sunday, 2026-03-30 a Monday.
public class MidnightTests
{
    private readonly CompiledSchedule _nights = Compile([W(IsoDayOfWeek.Monday, "22:00", "06:00")]);

    [Fact]
    public void Evaluate_OvernightBeforeMidnight_Allowed()
    {
        var verdict = _nights.Evaluate(At(2026, 3, 30, 23, 0));

        Assert.True(verdict.Allowed);
        Assert.Equal((M("22:00"), M("06:00")), (verdict.StartMinute, verdict.EndMinute));
    }

    [Fact]
    public void Evaluate_OvernightAfterMidnight_AllowedAndBelongsToStartDay()
    {
        var verdict = _nights.Evaluate(At(2026, 3, 31, 5, 59, 59));

        Assert.True(verdict.Allowed);
        Assert.Equal(IsoDayOfWeek.Monday, verdict.Day);
        Assert.Equal(new LocalDate(2026, 3, 30), verdict.Date);
    }

    [Fact]
    public void Evaluate_OvernightAtEndMinuteNextDay_Denied()
    {
        Assert.False(_nights.Evaluate(At(2026, 3, 31, 6, 0)).Allowed);
    }

    [Fact]
    public void Evaluate_OvernightMorningOfStartDay_Denied()
    {
        // Monday 02:00 would need a Sunday-night interval; the Monday one starts at 22:00.
        Assert.False(_nights.Evaluate(At(2026, 3, 30, 2, 0)).Allowed);
    }

    [Fact]
    public void Evaluate_SundayToMondayOvernight_WrapsTheWeek()
    {
        var schedule = Compile([W(IsoDayOfWeek.Sunday, "22:00", "06:00")]);

        var verdict = schedule.Evaluate(At(2026, 3, 30, 2, 0));

        Assert.True(verdict.Allowed);
        Assert.Equal(IsoDayOfWeek.Sunday, verdict.Day);
        Assert.False(schedule.Evaluate(At(2026, 3, 30, 6, 0)).Allowed);
    }

    [Fact]
    public void Evaluate_StartEqualsEnd_RunsFullDayIntoNextDay()
    {
        var schedule = Compile([W(IsoDayOfWeek.Monday, "08:00", "08:00")]);

        Assert.False(schedule.Evaluate(At(2026, 3, 30, 7, 59)).Allowed);
        Assert.True(schedule.Evaluate(At(2026, 3, 30, 8, 0)).Allowed);
        Assert.True(schedule.Evaluate(At(2026, 3, 31, 7, 59)).Allowed);
        Assert.False(schedule.Evaluate(At(2026, 3, 31, 8, 0)).Allowed);
    }

    [Fact]
    public void Evaluate_CarryAndSameDayBothMatch_ReportsEarlierStartedInterval()
    {
        var schedule = Compile([W(IsoDayOfWeek.Monday, "22:00", "06:00"), W(IsoDayOfWeek.Tuesday, "05:00", "09:00")]);

        var overlap = schedule.Evaluate(At(2026, 3, 31, 5, 30));
        var later = schedule.Evaluate(At(2026, 3, 31, 7, 0));

        Assert.Equal(IsoDayOfWeek.Monday, overlap.Day);
        Assert.Equal(IsoDayOfWeek.Tuesday, later.Day);
    }
}
