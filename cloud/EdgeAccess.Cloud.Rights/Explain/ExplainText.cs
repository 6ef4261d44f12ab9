using NodaTime;
using NodaTime.Text;

namespace EdgeAccess.Cloud.Rights.Explain;

/// <summary>The words of an explanation (invariant culture; never a card number).</summary>
public static class ExplainText
{
    private static readonly ZonedDateTimePattern LocalPattern =
        ZonedDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'sso<m> z '('dddd')'", DateTimeZoneProviders.Tzdb);

    /// <summary>A local time with offset, zone and weekday, e.g. <c>2026-03-30T08:30:00+02:00 Europe/Berlin (Monday)</c>.</summary>
    public static string Local(ZonedDateTime time) => LocalPattern.Format(time);

    /// <summary>An instant in ISO form (UTC).</summary>
    public static string Format(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    /// <summary>The decision in one line.</summary>
    public static string Summary(AccessExplanation explanation)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var card = explanation.Card is { } c ? $"card …{c.LastDigits}" : "unknown card";
        var holder = explanation.Person is { } p ? $" of {p.DisplayName}" : "";
        var where = $"at \"{explanation.Door.Name}\" ({explanation.Door.SiteName}) on {Local(explanation.LocalTime)}";
        var head = $"{card}{holder} {where}: ";
        var admitting = explanation.Paths.FirstOrDefault(p => p.Admits);
        return explanation.Reason switch
        {
            AccessReason.Granted => head + "granted" + (explanation.PinRequired ? " with PIN" : "") + (admitting is null ? "" : " via " + Describe(admitting)),
            AccessReason.UnknownCard => head + "denied, no such card",
            AccessReason.CardBlocked => head + "denied, the card is blocked",
            AccessReason.CardLost => head + "denied, the card was reported lost",
            AccessReason.CardNotYetValid => head + $"denied, the card is valid only {explanation.Card!.Validity}",
            AccessReason.CardExpired => head + $"denied, the card expired (valid {explanation.Card!.Validity})",
            AccessReason.PersonInactive => head + "denied, the holder is inactive",
            AccessReason.NoRight => head + $"denied, no grant path gives a right on this door ({explanation.Paths.Count} paths considered)",
            AccessReason.NotValidAtTime => head + "denied, no right is valid at this time",
            AccessReason.Holiday => head + "denied, a holiday closes the schedule",
            _ => head + "denied, outside every schedule",
        };
    }

    /// <summary>
    /// A path in words: the chain and scheme, or the direct grant, and the schedule; or the booking,
    /// e.g. <c>booking 0197… of resource "Confocal", 2026-06-01T08:45:00Z – 2026-06-01T11:15:00Z</c>.
    /// </summary>
    public static string Describe(AccessPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Kind == AccessPathKind.Booking)
        {
            return $"booking {path.BookingId} of resource \"{path.ResourceName}\", {path.BookingValidity}";
        }

        var source = path.Kind == AccessPathKind.DirectGrant
            ? "direct grant"
            : $"{string.Join(" ⊂ ", path.Groups.Select(g => g.Name))} → scheme \"{path.SchemeName}\"";
        return $"{source} (schedule \"{path.ScheduleName}\")";
    }

    /// <summary>Why a chain through inactive groups contributes nothing.</summary>
    internal static string Inactive(IReadOnlyList<PathGroup> inactive) => inactive.Count == 1
        ? $"group \"{inactive[0].Name}\" is inactive: it grants nothing and passes nothing on"
        : $"groups {string.Join(", ", inactive.Select(g => $"\"{g.Name}\""))} are inactive: they grant nothing and pass nothing on";
}
