using NodaTime;
using static EdgeAccess.Schedules.Tests.TestSchedules;

namespace EdgeAccess.Schedules.Tests;

// 2026-03-30 is a Monday.
public class WeeklyEvaluationTests
{
    private readonly CompiledSchedule _office = Compile([W(IsoDayOfWeek.Monday, "08:00", "18:00")]);

    [Fact]
    public void Evaluate_InsideWeekdayInterval_AllowedWithInterval()
    {
        var verdict = _office.Evaluate(At(2026, 3, 30, 10, 0));

        Assert.True(verdict.Allowed);
        Assert.Equal(ScheduleReason.InSchedule, verdict.Reason);
        Assert.Equal(ScheduleDayKind.Weekly, verdict.Source);
        Assert.Equal(IsoDayOfWeek.Monday, verdict.Day);
        Assert.Equal(new LocalDate(2026, 3, 30), verdict.Date);
        Assert.Equal((480, 1080), (verdict.StartMinute, verdict.EndMinute));
    }

    [Fact]
    public void Evaluate_OtherWeekday_DeniedOutsideSchedule()
    {
        var verdict = _office.Evaluate(At(2026, 3, 31, 10, 0));

        Assert.False(verdict.Allowed);
        Assert.Equal(ScheduleReason.OutsideSchedule, verdict.Reason);
        Assert.Equal(IsoDayOfWeek.None, verdict.Day);
    }

    [Theory]
    [InlineData(7, 59, 59, false)]
    [InlineData(8, 0, 0, true)]
    [InlineData(17, 59, 59, true)]
    [InlineData(18, 0, 0, false)]
    public void Evaluate_AtBoundaries_StartInclusiveEndExclusive(int hour, int minute, int second, bool expected)
    {
        Assert.Equal(expected, _office.Evaluate(At(2026, 3, 30, hour, minute, second)).Allowed);
    }

    [Fact]
    public void Evaluate_EndAt2400_CoversLastMinuteButNotNextMidnight()
    {
        var schedule = Compile([W(IsoDayOfWeek.Monday, "20:00", "24:00")]);

        var lastSecond = schedule.Evaluate(At(2026, 3, 30, 23, 59, 59));
        var nextMidnight = schedule.Evaluate(At(2026, 3, 31, 0, 0));

        Assert.True(lastSecond.Allowed);
        Assert.Equal(1440, lastSecond.EndMinute);
        Assert.False(nextMidnight.Allowed);
    }

    [Fact]
    public void Evaluate_OverlappingIntervals_UnionAllowedAndConfiguredIntervalReported()
    {
        var schedule = Compile([W(IsoDayOfWeek.Monday, "08:00", "12:00"), W(IsoDayOfWeek.Monday, "10:00", "14:00")]);

        var inSecond = schedule.Evaluate(At(2026, 3, 30, 13, 0));

        Assert.True(inSecond.Allowed);
        Assert.Equal((M("10:00"), M("14:00")), (inSecond.StartMinute, inSecond.EndMinute));
        Assert.True(schedule.Evaluate(At(2026, 3, 30, 11, 0)).Allowed);
        Assert.False(schedule.Evaluate(At(2026, 3, 30, 14, 0)).Allowed);
    }

    [Fact]
    public void Evaluate_IntervalInsideAnother_ReportsOuterInterval()
    {
        var schedule = Compile([W(IsoDayOfWeek.Monday, "09:00", "10:00"), W(IsoDayOfWeek.Monday, "08:00", "18:00")]);

        var verdict = schedule.Evaluate(At(2026, 3, 30, 9, 30));

        Assert.Equal((M("08:00"), M("18:00")), (verdict.StartMinute, verdict.EndMinute));
        Assert.Equal("Mon 08:00–18:00", schedule.Describe());
    }

    [Fact]
    public void Evaluate_NonIsoCalendarInput_EvaluatedOnIsoDate()
    {
        var julian = At(2026, 3, 30, 10, 0).WithCalendar(CalendarSystem.Julian);

        Assert.True(_office.Evaluate(julian).Allowed);
    }

    [Fact]
    public void Evaluate_ZonedAndInstantOverloads_AgreeWithLocal()
    {
        var zoned = At(2026, 3, 30, 10, 0).InZoneStrictly(Berlin);

        Assert.Equal(_office.Evaluate(zoned.LocalDateTime), _office.Evaluate(zoned));
        Assert.Equal(_office.Evaluate(zoned.LocalDateTime), _office.Evaluate(zoned.ToInstant(), Berlin));
    }
}
