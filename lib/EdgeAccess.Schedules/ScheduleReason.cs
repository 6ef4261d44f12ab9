namespace EdgeAccess.Schedules;

/// <summary>Why a <see cref="ScheduleVerdict"/> came out the way it did.</summary>
public enum ScheduleReason
{
    /// <summary>Denied: no interval covers the local time.</summary>
    OutsideSchedule = 0,

    /// <summary>
    /// Allowed: a weekly interval covers the local time, or a holiday interval does on a holiday
    /// (then <see cref="ScheduleVerdict.Source"/> is <see cref="ScheduleDayKind.Holiday"/>).
    /// </summary>
    InSchedule = 1,

    /// <summary>
    /// Denied because the local date D is a holiday and no holiday interval covers the time, or
    /// because D−1 is a holiday that suppressed a weekly overnight interval which would have covered
    /// the time.
    /// </summary>
    Holiday = 2,

    /// <summary>
    /// Decided by a special day: allowed by one of its intervals, or denied because D is a special
    /// day (or D−1 is one that suppressed a weekly overnight interval) and none of its intervals
    /// covers the time.
    /// </summary>
    SpecialDay = 3,

    /// <summary>Allowed: the schedule is 24/7 and ignores holidays.</summary>
    Always = 4,
}
