using NodaTime;

namespace EdgeAccess.Schedules;

/// <summary>A public holiday (or company closing day) in a <see cref="HolidayCalendar"/>.</summary>
/// <param name="Date">The ISO calendar date.</param>
/// <param name="Name">Display name, shown in explain output; must not be empty.</param>
public readonly record struct Holiday(LocalDate Date, string Name);
