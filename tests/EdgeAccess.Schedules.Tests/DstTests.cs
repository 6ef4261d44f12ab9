using NodaTime;
using static EdgeAccess.Schedules.Tests.TestSchedules;

namespace EdgeAccess.Schedules.Tests;

// Europe/Berlin: 2026-03-29 02:00 CET → 03:00 CEST at 01:00Z; 2026-10-25 03:00 CEST → 02:00 CET at 01:00Z.
// America/New_York: 2026-03-08 02:00 EST → 03:00 EDT at 07:00Z; 2026-11-01 02:00 EDT → 01:00 EST at 06:00Z.
// Counts are of real (elapsed) minutes, sampled once per minute over a span that covers the whole night.
public class DstTests
{
    [Fact]
    public void Evaluate_BerlinSpringForward_SkippedHourNeverMatches()
    {
        var schedule = Compile([W(IsoDayOfWeek.Sunday, "02:00", "03:00")]);

        var allowed = AllowedMinutes(schedule, Berlin, Utc(2026, 3, 28, 23, 0), Utc(2026, 3, 29, 22, 0));

        Assert.Equal(0, allowed);
    }

    [Fact]
    public void Evaluate_BerlinSpringForward_IntervalAcrossGapIsHourShorter()
    {
        var schedule = Compile([W(IsoDayOfWeek.Sunday, "01:00", "04:00")]);

        var allowed = AllowedMinutes(schedule, Berlin, Utc(2026, 3, 28, 23, 0), Utc(2026, 3, 29, 22, 0));

        Assert.Equal(120, allowed);
        Assert.True(schedule.Evaluate(Utc(2026, 3, 29, 0, 59), Berlin).Allowed);  // 01:59 CET
        Assert.True(schedule.Evaluate(Utc(2026, 3, 29, 1, 0), Berlin).Allowed);   // 03:00 CEST
        Assert.False(schedule.Evaluate(Utc(2026, 3, 29, 2, 0), Berlin).Allowed);  // 04:00 CEST
    }

    [Fact]
    public void Evaluate_BerlinFallBack_RepeatedHourMatchesBothTimes()
    {
        var schedule = Compile([W(IsoDayOfWeek.Sunday, "02:00", "03:00")]);

        var allowed = AllowedMinutes(schedule, Berlin, Utc(2026, 10, 24, 22, 0), Utc(2026, 10, 25, 23, 0));

        Assert.Equal(120, allowed);
        Assert.True(schedule.Evaluate(Utc(2026, 10, 25, 0, 30), Berlin).Allowed);  // 02:30 CEST
        Assert.True(schedule.Evaluate(Utc(2026, 10, 25, 1, 30), Berlin).Allowed);  // 02:30 CET
    }

    [Fact]
    public void Evaluate_BerlinOvernightAcrossSpringForwardNight_SevenRealHours()
    {
        var schedule = Compile([W(IsoDayOfWeek.Saturday, "22:00", "06:00")]);

        var allowed = AllowedMinutes(schedule, Berlin, Utc(2026, 3, 28, 12, 0), Utc(2026, 3, 29, 12, 0));
        var afterGap = schedule.Evaluate(Utc(2026, 3, 29, 1, 30), Berlin); // 03:30 CEST

        Assert.Equal(7 * 60, allowed);
        Assert.True(afterGap.Allowed);
        Assert.Equal(new LocalDate(2026, 3, 28), afterGap.Date);
    }

    [Fact]
    public void Evaluate_BerlinOvernightAcrossFallBackNight_NineRealHours()
    {
        var schedule = Compile([W(IsoDayOfWeek.Saturday, "22:00", "06:00")]);

        var allowed = AllowedMinutes(schedule, Berlin, Utc(2026, 10, 24, 12, 0), Utc(2026, 10, 25, 12, 0));

        Assert.Equal(9 * 60, allowed);
        Assert.False(schedule.Evaluate(Utc(2026, 10, 25, 5, 0), Berlin).Allowed); // 06:00 CET
    }

    [Theory]
    [InlineData("02:00", "03:00", 0)]
    [InlineData("01:00", "03:00", 60)]
    [InlineData("01:30", "02:30", 30)]
    public void Evaluate_NewYorkSpringForward_SkippedWallTimeNotCounted(string start, string end, int expectedMinutes)
    {
        var schedule = Compile([W(IsoDayOfWeek.Sunday, start, end)]);

        var allowed = AllowedMinutes(schedule, NewYork, Utc(2026, 3, 8, 5, 0), Utc(2026, 3, 9, 4, 0));

        Assert.Equal(expectedMinutes, allowed);
    }

    [Fact]
    public void Evaluate_NewYorkFallBack_RepeatedHourMatchesBothTimes()
    {
        var schedule = Compile([W(IsoDayOfWeek.Sunday, "01:00", "02:00")]);

        var allowed = AllowedMinutes(schedule, NewYork, Utc(2026, 11, 1, 4, 0), Utc(2026, 11, 2, 5, 0));

        Assert.Equal(120, allowed);
        Assert.True(schedule.Evaluate(Utc(2026, 11, 1, 5, 30), NewYork).Allowed); // 01:30 EDT
        Assert.True(schedule.Evaluate(Utc(2026, 11, 1, 6, 30), NewYork).Allowed); // 01:30 EST
    }

    [Fact]
    public void Evaluate_NewYorkOvernightAcrossFallBackNight_NineRealHours()
    {
        var schedule = Compile([W(IsoDayOfWeek.Saturday, "22:00", "06:00")]);

        var allowed = AllowedMinutes(schedule, NewYork, Utc(2026, 10, 31, 16, 0), Utc(2026, 11, 1, 16, 0));

        Assert.Equal(9 * 60, allowed);
    }
}
