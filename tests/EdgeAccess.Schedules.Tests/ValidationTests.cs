using NodaTime;
using static EdgeAccess.Schedules.Tests.TestSchedules;

namespace EdgeAccess.Schedules.Tests;

public class ValidationTests
{
    private static ScheduleDefinition Definition(
        IReadOnlyList<WeeklyInterval> weekly,
        IReadOnlyList<DayInterval>? holidayIntervals = null,
        IReadOnlyList<SpecialDay>? specialDays = null) =>
        new(Id, "Office", weekly, holidayIntervals, specialDays);

    [Fact]
    public void Validate_EndMinuteOutOfRange_NamesIndexedField()
    {
        var definition = Definition([W(IsoDayOfWeek.Monday, "08:00", "18:00"), W(IsoDayOfWeek.Tuesday, "08:00", "18:00"), new(IsoDayOfWeek.Wednesday, 480, 1441)]);

        var error = Assert.Single(ScheduleValidator.Validate(definition));

        Assert.Equal("weekly[2].end_minute: must be in (0, 1440]", error.ToString());
    }

    [Theory]
    [InlineData(-1, 60, "weekly[0].start_minute")]
    [InlineData(1440, 60, "weekly[0].start_minute")]
    [InlineData(0, 0, "weekly[0].end_minute")]
    public void Validate_MinuteOutOfRange_NamesField(int start, int end, string path)
    {
        var errors = ScheduleValidator.Validate(Definition([new(IsoDayOfWeek.Monday, start, end)]));

        Assert.Equal(path, Assert.Single(errors).Path);
    }

    [Fact]
    public void Validate_InvalidDay_NamesDayField()
    {
        var errors = ScheduleValidator.Validate(Definition([new(IsoDayOfWeek.None, 0, 60)]));

        Assert.Equal("weekly[0].day", Assert.Single(errors).Path);
    }

    [Fact]
    public void Validate_DuplicateSpecialDayDate_NamesSecondOccurrence()
    {
        var date = new LocalDate(2026, 12, 24);
        var errors = ScheduleValidator.Validate(Definition([], specialDays: [new(date, []), new(date.PlusDays(1), []), new(date, [])]));

        var error = Assert.Single(errors);
        Assert.Equal("special_days[2].date", error.Path);
        Assert.Equal("duplicate date 2026-12-24 (first at special_days[0])", error.Message);
    }

    [Fact]
    public void Validate_BadIntervalsInHolidayAndSpecialDay_NameNestedPaths()
    {
        var errors = ScheduleValidator.Validate(Definition(
            [],
            holidayIntervals: [D("10:00", "12:00"), new(2000, 60)],
            specialDays: [new(new(2026, 12, 24), [D("08:00", "12:00"), new(60, 1500)])]));

        Assert.Equal(
            ["holiday_intervals[1].start_minute", "special_days[0].intervals[1].end_minute"],
            errors.Select(e => e.Path));
    }

    [Fact]
    public void Validate_EmptyIdNameAndHolidayName_ReportsEach()
    {
        var definition = new ScheduleDefinition(
            Guid.Empty, " ", [], holidays: new Dictionary<LocalDate, string> { [new(2026, 1, 1)] = "" });

        var paths = ScheduleValidator.Validate(definition).Select(e => e.Path);

        Assert.Equal(["id", "name", "holidays[2026-01-01].name"], paths);
    }

    [Fact]
    public void Validate_OverlappingAndOvernightIntervals_Valid()
    {
        var definition = Definition(
        [
            W(IsoDayOfWeek.Monday, "08:00", "12:00"),
            W(IsoDayOfWeek.Monday, "10:00", "14:00"),
            W(IsoDayOfWeek.Monday, "22:00", "06:00"),
            W(IsoDayOfWeek.Tuesday, "00:00", "24:00"),
        ]);

        Assert.Empty(ScheduleValidator.Validate(definition));
        Assert.Empty(ScheduleValidator.Validate(ScheduleDefinition.Always(Id)));
    }

    [Fact]
    public void Compile_InvalidDefinition_ThrowsWithAllErrors()
    {
        var definition = Definition([new(IsoDayOfWeek.Monday, 1500, 0)]);

        var exception = Assert.Throws<ScheduleValidationException>(() => CompiledSchedule.Compile(definition));

        Assert.Equal(["weekly[0].start_minute", "weekly[0].end_minute"], exception.Errors.Select(e => e.Path));
        Assert.Contains("weekly[0].end_minute: must be in (0, 1440]", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CalendarWithDuplicateDateAndEmptyName_NamesFields()
    {
        var date = new LocalDate(2026, 12, 25);
        var calendar = new HolidayCalendar(Guid.NewGuid(), "Berlin", [new(date, "Christmas Day"), new(date, "")]);

        var paths = ScheduleValidator.Validate(calendar).Select(e => e.Path);

        Assert.Equal(["holidays[1].date", "holidays[1].name"], paths);
    }

    [Fact]
    public void Definition_InputListMutatedAfterwards_DefinitionUnchanged()
    {
        var weekly = new List<WeeklyInterval> { W(IsoDayOfWeek.Monday, "08:00", "18:00") };
        var definition = Definition(weekly);

        weekly.Add(W(IsoDayOfWeek.Tuesday, "08:00", "18:00"));

        Assert.Single(definition.Weekly);
        Assert.Equal(Definition([W(IsoDayOfWeek.Monday, "08:00", "18:00")]), definition);
    }
}
