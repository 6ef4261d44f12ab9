using NodaTime;
using static EdgeAccess.Schedules.Tests.TestSchedules;

namespace EdgeAccess.Schedules.Tests;

public class AllocationTests
{
    [Fact]
    public void Evaluate_TenThousandLocalTimes_AllocatesNothing()
    {
        // Exercises every path: weekly, overnight carry, holiday, special day, denials with reasons.
        var schedule = Compile(
            [W(IsoDayOfWeek.Monday, "08:00", "18:00"), W(IsoDayOfWeek.Thursday, "22:00", "06:00"), W(IsoDayOfWeek.Friday, "22:00", "06:00")],
            holidayIntervals: [D("10:00", "12:00")],
            specialDays: [new(new(2026, 12, 24), [D("08:00", "12:00")], "Christmas Eve")],
            holidays: new Dictionary<LocalDate, string> { [new(2026, 12, 25)] = "Christmas Day" });
        var start = At(2026, 12, 20, 0, 0);
        var times = new LocalDateTime[10_000];
        for (var i = 0; i < times.Length; i++)
        {
            times[i] = start.PlusMinutes(i * 7L);
        }

        var warmUp = Run(schedule, times);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var allowed = Run(schedule, times);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(warmUp, allowed);
        Assert.InRange(allowed, 1, times.Length - 1);
    }

    private static int Run(CompiledSchedule schedule, LocalDateTime[] times)
    {
        var allowed = 0;
        foreach (var time in times)
        {
            if (schedule.Evaluate(time).Allowed)
            {
                allowed++;
            }
        }

        return allowed;
    }
}
