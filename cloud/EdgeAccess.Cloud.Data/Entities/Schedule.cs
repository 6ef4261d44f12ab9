namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>A named set of holidays of a site.</summary>
public sealed class HolidayCalendar : IVersioned
{
    public Guid Id { get; set; }
    public Guid SiteId { get; set; }
    public required string Name { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<HolidayEntry> Holidays { get; set; } = [];
}

/// <summary>One holiday of a calendar.</summary>
public sealed class HolidayEntry
{
    public Guid CalendarId { get; set; }
    public DateOnly Date { get; set; }
    public required string Name { get; set; }
}

/// <summary>
/// When a grant applies, in the site's time zone. <see cref="Definition"/> holds the weekly
/// intervals, holiday intervals and special days as JSON (see <c>ScheduleJson</c>).
/// </summary>
public sealed class Schedule : IVersioned
{
    public Guid Id { get; set; }
    public Guid SiteId { get; set; }
    public required string Name { get; set; }
    public required string Definition { get; set; }
    public bool IgnoresHolidays { get; set; }
    public long Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<ScheduleCalendar> Calendars { get; set; } = [];
}

/// <summary>A holiday calendar a schedule honours.</summary>
public sealed class ScheduleCalendar
{
    public Guid ScheduleId { get; set; }
    public Guid CalendarId { get; set; }
}
