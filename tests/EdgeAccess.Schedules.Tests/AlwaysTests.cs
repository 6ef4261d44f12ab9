using NodaTime;
using static EdgeAccess.Schedules.Tests.TestSchedules;

namespace EdgeAccess.Schedules.Tests;

public class AlwaysTests
{
    [Theory]
    [InlineData(2026, 3, 29, 2, 30)]
    [InlineData(2026, 12, 25, 0, 0)]
    [InlineData(2026, 12, 31, 23, 59)]
    public void Evaluate_Always_AllowedWithAlwaysReason(int year, int month, int day, int hour, int minute)
    {
        var schedule = CompiledSchedule.Compile(ScheduleDefinition.Always(Id));

        var verdict = schedule.Evaluate(At(year, month, day, hour, minute));

        Assert.True(schedule.IsAlways);
        Assert.True(verdict.Allowed);
        Assert.Equal(ScheduleReason.Always, verdict.Reason);
        Assert.Equal((0, 1440), (verdict.StartMinute, verdict.EndMinute));
    }

    [Fact]
    public void Evaluate_AlwaysWithHolidays_HolidaysIgnored()
    {
        var definition = ScheduleDefinition.Always(Id) with
        {
            Holidays = new Dictionary<LocalDate, string> { [new(2026, 12, 25)] = "Christmas Day" },
        };

        var verdict = CompiledSchedule.Compile(definition).Evaluate(At(2026, 12, 25, 12, 0));

        Assert.Equal(ScheduleReason.Always, verdict.Reason);
    }

    [Fact]
    public void Compile_AlwaysHonouringHolidays_IsNotAlways()
    {
        var definition = ScheduleDefinition.Always(Id) with
        {
            IgnoresHolidays = false,
            Holidays = new Dictionary<LocalDate, string> { [new(2026, 12, 25)] = "Christmas Day" },
        };

        var schedule = CompiledSchedule.Compile(definition);

        Assert.False(schedule.IsAlways);
        Assert.Equal(ScheduleReason.Holiday, schedule.Evaluate(At(2026, 12, 25, 12, 0)).Reason);
        Assert.Equal(ScheduleReason.InSchedule, schedule.Evaluate(At(2026, 12, 24, 12, 0)).Reason);
    }
}
