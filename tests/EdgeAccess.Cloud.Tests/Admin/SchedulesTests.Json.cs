using System.Text.Json;
using EdgeAccess.Cloud.Rights.Schedules;
using EdgeAccess.Schedules;
using NodaTime;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin;

// ScheduleJson is the stored form the rights compiler reads back; these need no hub.
public sealed partial class SchedulesTests
{
    private static readonly ScheduleDefinition Sample = new(
        Guid.CreateVersion7(),
        "Sample",
        [new(IsoDayOfWeek.Monday, 480, 1080), new(IsoDayOfWeek.Friday, 1320, 360)],
        [new(600, 720)],
        [new(new LocalDate(2026, 12, 24), [new(480, 720)], "Christmas Eve"), new(new LocalDate(2026, 12, 31), [])]);

    [Fact]
    public void ScheduleJsonToJson_Definition_UsesDocumentedShape()
    {
        using var json = JsonDocument.Parse(ScheduleJson.ToJson(Sample));
        var root = json.RootElement;

        Assert.Equal(["weekly", "holiday_intervals", "special_days"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(5, root.GetProperty("weekly")[1].GetProperty("day").GetInt32());
        Assert.Equal(1320, root.GetProperty("weekly")[1].GetProperty("start_minute").GetInt32());
        Assert.Equal(720, root.GetProperty("holiday_intervals")[0].GetProperty("end_minute").GetInt32());
        Assert.Equal("2026-12-24", root.GetProperty("special_days")[0].GetProperty("date").GetString());
        Assert.Equal("Christmas Eve", root.GetProperty("special_days")[0].GetProperty("name").GetString());
        Assert.Equal(0, root.GetProperty("special_days")[1].GetProperty("intervals").GetArrayLength());
    }

    [Fact]
    public void ScheduleJsonToDefinition_StoredSchedule_RoundTripsWithHolidaysAndFlag()
    {
        // Given in reverse: the names are joined in calendar id order, whatever order they come in.
        var holidays = ScheduleJson.Holidays([
            new Stored.HolidayCalendar { Id = new Guid("00000000-0000-0000-0000-000000000002"), Name = "B", Holidays = [new() { Date = new DateOnly(2026, 12, 25), Name = "Weihnachten" }] },
            new Stored.HolidayCalendar { Id = new Guid("00000000-0000-0000-0000-000000000001"), Name = "A", Holidays = [new() { Date = new DateOnly(2026, 12, 25), Name = "Christmas" }] },
        ]);
        var stored = new Stored.Schedule { Id = Sample.Id, Name = Sample.Name, Definition = ScheduleJson.ToJson(Sample), IgnoresHolidays = true };

        var definition = ScheduleJson.ToDefinition(stored, holidays);

        Assert.Equal(Sample with { Holidays = holidays, IgnoresHolidays = true }, definition);
        Assert.Equal("Christmas / Weihnachten", definition.Holidays[new LocalDate(2026, 12, 25)]);
        Assert.Empty(ScheduleValidator.Validate(definition));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("{\"special_days\":[{\"date\":\"24.12.2026\",\"intervals\":[]}]}")]
    public void ScheduleJsonParse_NotADefinition_InvalidDataException(string json)
    {
        var error = Assert.Throws<InvalidDataException>(() => ScheduleJson.Parse(Sample.Id, "Broken", json));

        Assert.Contains(Sample.Id.ToString(), error.Message, StringComparison.Ordinal);
    }
}
