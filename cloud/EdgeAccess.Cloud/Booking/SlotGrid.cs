using NodaTime;

namespace EdgeAccess.Cloud.Booking;

/// <summary>
/// The slot grid of a resource: wall-clock multiples of the slot length from local midnight in the
/// site's time zone (10:00, 10:30, … for 30 minutes), so slots read the same on every day, across
/// DST changes too. A local time that does not exist (spring forward) resolves leniently.
/// </summary>
internal readonly struct SlotGrid(DateTimeZone zone, int slotMinutes)
{
    /// <summary>The site's zone.</summary>
    public DateTimeZone Zone { get; } = zone;

    /// <summary>The slot length.</summary>
    public int SlotMinutes { get; } = slotMinutes;

    /// <summary>Builds the grid of a site's IANA zone.</summary>
    public static SlotGrid For(string timeZone, int slotMinutes) =>
        new(DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone) ?? DateTimeZone.Utc, slotMinutes);

    /// <summary>True when <paramref name="time"/> lies on the grid.</summary>
    public bool IsAligned(DateTimeOffset time)
    {
        var local = Local(time);
        return local.Second == 0 && local.NanosecondOfSecond == 0 && ((local.Hour * 60) + local.Minute) % SlotMinutes == 0;
    }

    /// <summary>The first grid point at or after <paramref name="time"/>.</summary>
    public DateTimeOffset Ceiling(DateTimeOffset time)
    {
        if (IsAligned(time))
        {
            return time;
        }

        var local = Local(time);
        var next = (((local.Hour * 60) + local.Minute) / SlotMinutes + 1) * SlotMinutes;
        var candidate = ToInstant(local.Date.AtMidnight().PlusMinutes(next));

        // A fall-back hour repeats local times and resolves to the earlier one: never answer a
        // point before the time asked for (offset changes are whole hours in practice).
        while (candidate <= time)
        {
            candidate = candidate.AddHours(1);
        }

        return candidate;
    }

    /// <summary>The last grid point at or before <paramref name="time"/>.</summary>
    public DateTimeOffset Floor(DateTimeOffset time)
    {
        if (IsAligned(time))
        {
            return time;
        }

        var local = Local(time);
        var previous = ((local.Hour * 60) + local.Minute) / SlotMinutes * SlotMinutes;
        var candidate = ToInstant(local.Date.AtMidnight().PlusMinutes(previous));
        while (candidate > time)
        {
            candidate = candidate.AddHours(-1);
        }

        return candidate;
    }

    /// <summary>The next grid point after <paramref name="time"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset time) => Ceiling(time.AddTicks(1));

    /// <summary>The instant local midnight of <paramref name="date"/> begins.</summary>
    public DateTimeOffset StartOfDay(LocalDate date) => Zone.AtStartOfDay(date).ToDateTimeOffset().ToUniversalTime();

    /// <summary>The local date of <paramref name="time"/>.</summary>
    public LocalDate DateOf(DateTimeOffset time) => Local(time).Date;

    /// <summary><paramref name="time"/> as local wall-clock text, e.g. <c>2025-03-04 10:30</c>.</summary>
    public string Show(DateTimeOffset time) =>
        Local(time).ToString("uuuu-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A local date and time resolved leniently in the zone.</summary>
    public DateTimeOffset ToInstant(LocalDateTime local) => local.InZoneLeniently(Zone).ToDateTimeOffset().ToUniversalTime();

    /// <summary>The local wall-clock time of <paramref name="time"/>.</summary>
    public LocalDateTime Local(DateTimeOffset time) => Instant.FromDateTimeOffset(time).InZone(Zone).LocalDateTime;
}
