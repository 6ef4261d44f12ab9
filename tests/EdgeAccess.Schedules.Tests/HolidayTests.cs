using NodaTime;
using static EdgeAccess.Schedules.Tests.TestSchedules;

namespace EdgeAccess.Schedules.Tests;

// 2026-12-24 is a Thursday, 2026-12-25 a Friday.
public class HolidayTests
{
    private static readonly LocalDate ChristmasDay = new(2026, 12, 25);

    private static readonly IReadOnlyDictionary<LocalDate, string> Holidays =
        new Dictionary<LocalDate, string> { [ChristmasDay] = "Christmas Day" };

    private static readonly WeeklyInterval[] WeekdaysNineToFive =
        [.. Enumerable.Range(1, 5).Select(d => W((IsoDayOfWeek)d, "09:00", "17:00"))];

    [Fact]
    public void Evaluate_HolidayWithoutHolidayIntervals_DeniedWithHolidayName()
    {
        var schedule = Compile(WeekdaysNineToFive, holidays: Holidays);

        var verdict = schedule.Evaluate(At(2026, 12, 25, 10, 0));

        Assert.False(verdict.Allowed);
        Assert.Equal(ScheduleReason.Holiday, verdict.Reason);
        Assert.Equal("Christmas Day", verdict.DayName);
        Assert.Equal(ChristmasDay, verdict.Date);
        Assert.True(schedule.Evaluate(At(2026, 12, 24, 10, 0)).Allowed);
    }

    [Fact]
    public void Evaluate_HolidayIntervals_ReplaceWeeklyIntervals()
    {
        var schedule = Compile(WeekdaysNineToFive, holidayIntervals: [D("10:00", "14:00")], holidays: Holidays);

        var inside = schedule.Evaluate(At(2026, 12, 25, 11, 0));
        var weeklyOnly = schedule.Evaluate(At(2026, 12, 25, 9, 30));

        Assert.True(inside.Allowed);
        Assert.Equal(ScheduleReason.InSchedule, inside.Reason);
        Assert.Equal(ScheduleDayKind.Holiday, inside.Source);
        Assert.Equal("Christmas Day", inside.DayName);
        Assert.False(weeklyOnly.Allowed);
        Assert.Equal(ScheduleReason.Holiday, weeklyOnly.Reason);
    }

    [Fact]
    public void Evaluate_IgnoresHolidays_WeeklyIntervalsApplyOnHoliday()
    {
        var schedule = Compile(WeekdaysNineToFive, holidays: Holidays, ignoresHolidays: true);

        var verdict = schedule.Evaluate(At(2026, 12, 25, 10, 0));

        Assert.True(verdict.Allowed);
        Assert.Equal(ScheduleDayKind.Weekly, verdict.Source);
        Assert.Null(verdict.DayName);
    }

    [Fact]
    public void Evaluate_OvernightStartedDayBeforeHoliday_RunsIntoHolidayMorning()
    {
        var schedule = Compile([W(IsoDayOfWeek.Thursday, "22:00", "06:00")], holidays: Holidays);

        var verdict = schedule.Evaluate(At(2026, 12, 25, 3, 0));

        Assert.True(verdict.Allowed);
        Assert.Equal(new LocalDate(2026, 12, 24), verdict.Date);
        Assert.Equal(ScheduleDayKind.Weekly, verdict.Source);
        Assert.False(schedule.Evaluate(At(2026, 12, 25, 6, 0)).Allowed);
    }

    [Fact]
    public void Evaluate_OvernightStartingOnHoliday_SuppressedBothEveningAndNextMorning()
    {
        var schedule = Compile([W(IsoDayOfWeek.Friday, "22:00", "06:00")], holidays: Holidays);

        var evening = schedule.Evaluate(At(2026, 12, 25, 23, 0));
        var nextMorning = schedule.Evaluate(At(2026, 12, 26, 3, 0));

        Assert.False(evening.Allowed);
        Assert.Equal(ScheduleReason.Holiday, evening.Reason);
        Assert.False(nextMorning.Allowed);
        Assert.Equal(ScheduleReason.Holiday, nextMorning.Reason);
        Assert.Equal(ChristmasDay, nextMorning.Date);
        Assert.Equal("Christmas Day", nextMorning.DayName);
    }

    [Fact]
    public void Evaluate_OvernightHolidayInterval_RunsIntoNextMorning()
    {
        var schedule = Compile([], holidayIntervals: [D("22:00", "02:00")], holidays: Holidays);

        var verdict = schedule.Evaluate(At(2026, 12, 26, 1, 0));

        Assert.True(verdict.Allowed);
        Assert.Equal(ScheduleDayKind.Holiday, verdict.Source);
        Assert.Equal(ChristmasDay, verdict.Date);
    }

    [Fact]
    public void Evaluate_DayAfterHolidayWithoutSuppressedCarry_DeniedOutsideSchedule()
    {
        var schedule = Compile(WeekdaysNineToFive, holidays: Holidays);

        var verdict = schedule.Evaluate(At(2026, 12, 26, 3, 0));

        Assert.Equal(ScheduleReason.OutsideSchedule, verdict.Reason);
    }

    [Fact]
    public void Flatten_SameDateInTwoCalendars_JoinsDistinctNamesInOrder()
    {
        var federal = new HolidayCalendar(Guid.NewGuid(), "Federal", [new(ChristmasDay, "Christmas Day"), new(new(2026, 1, 1), "New Year")]);
        var company = new HolidayCalendar(Guid.NewGuid(), "Company", [new(ChristmasDay, "Plant shutdown"), new(ChristmasDay, "Christmas Day")]);

        var flat = HolidayCalendar.Flatten([federal, company]);

        Assert.Equal(2, flat.Count);
        Assert.Equal("Christmas Day / Plant shutdown", flat[ChristmasDay]);
    }
}
