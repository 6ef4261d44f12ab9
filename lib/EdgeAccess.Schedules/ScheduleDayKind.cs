namespace EdgeAccess.Schedules;

/// <summary>Which of a date's rule sets applied (special day &gt; holiday &gt; weekly).</summary>
public enum ScheduleDayKind
{
    /// <summary>The weekly intervals of the date's day of the week.</summary>
    Weekly = 0,

    /// <summary>The schedule's holiday intervals, because the date is a holiday.</summary>
    Holiday = 1,

    /// <summary>The intervals of a special day on that date.</summary>
    SpecialDay = 2,
}
