namespace EdgeAccess.Schedules;

/// <summary>One problem found by <see cref="ScheduleValidator"/>.</summary>
/// <param name="Path">
/// The offending field in snake_case with indexes, as the API names it, e.g.
/// <c>weekly[2].end_minute</c>, <c>special_days[1].intervals[0].start_minute</c> or
/// <c>holidays[2026-12-25].name</c>.
/// </param>
/// <param name="Message">What is wrong, e.g. <c>must be in (0, 1440]</c>.</param>
public sealed record ScheduleValidationError(string Path, string Message)
{
    /// <summary>Formats as <c>path: message</c>.</summary>
    /// <returns>For example <c>weekly[2].end_minute: must be in (0, 1440]</c>.</returns>
    public override string ToString() => $"{Path}: {Message}";
}
