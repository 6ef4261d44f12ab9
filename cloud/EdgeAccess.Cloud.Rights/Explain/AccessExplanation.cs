using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Schedules;
using NodaTime;

namespace EdgeAccess.Cloud.Rights.Explain;

/// <summary>
/// Why a card may or may not open a door at an instant: the decision an edge would take, and the
/// evidence — every grant path, including the ones that do not apply and why.
/// </summary>
public sealed record AccessExplanation
{
    /// <summary>The decision's reason; <see cref="AccessReason.Granted"/> when the card passes.</summary>
    public required AccessReason Reason { get; init; }

    /// <summary>True when the card passes (possibly with its PIN, see <see cref="PinRequired"/>).</summary>
    public bool Granted => Reason == AccessReason.Granted;

    /// <summary>Granted, but every admitting right needs the card's PIN.</summary>
    public bool PinRequired { get; init; }

    /// <summary>The instant evaluated.</summary>
    public required Instant At { get; init; }

    /// <summary>The instant in the door's site time zone (the wall time schedules are matched against).</summary>
    public required ZonedDateTime LocalTime { get; init; }

    /// <summary>The door and its site.</summary>
    public required DoorFacts Door { get; init; }

    /// <summary>The card; null for <see cref="AccessReason.UnknownCard"/>.</summary>
    public CardFacts? Card { get; init; }

    /// <summary>The card's holder; null for <see cref="AccessReason.UnknownCard"/>.</summary>
    public PersonFacts? Person { get; init; }

    /// <summary>Every grant path from the holder to the door, admitting ones first.</summary>
    public IReadOnlyList<AccessPath> Paths { get; init; } = [];

    /// <summary>The decision in one line of words (no card number: only its last digits).</summary>
    public string Summary => ExplainText.Summary(this);
}

/// <summary>A door and the site whose time zone its schedules are evaluated in.</summary>
/// <param name="Id">The door.</param>
/// <param name="Name">The door's name.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="SiteName">The site's name.</param>
/// <param name="Zone">The site's time zone (UTC when the stored IANA id is unknown).</param>
/// <param name="RequiresPin">Every passage needs the PIN.</param>
public sealed record DoorFacts(Guid Id, string Name, Guid SiteId, string SiteName, DateTimeZone Zone, bool RequiresPin);

/// <summary>A card as the edge sees it (never its number).</summary>
/// <param name="Id">The card.</param>
/// <param name="PersonId">Its holder.</param>
/// <param name="LastDigits">The last digits kept for display.</param>
/// <param name="Status">Active, blocked or lost.</param>
/// <param name="Validity">The card's own validity window.</param>
/// <param name="PinSet">The card has a PIN.</param>
public sealed record CardFacts(Guid Id, Guid PersonId, string LastDigits, CardStatus Status, ValidityWindow Validity, bool PinSet);

/// <summary>A card holder.</summary>
/// <param name="Id">The person.</param>
/// <param name="DisplayName">Their name.</param>
/// <param name="Active">Inactive people hold no rights.</param>
public sealed record PersonFacts(Guid Id, string DisplayName, bool Active);

/// <summary>One group of a path's chain.</summary>
/// <param name="Id">The group.</param>
/// <param name="Name">Its name.</param>
/// <param name="Active">Inactive groups grant nothing and pass nothing on.</param>
public sealed record PathGroup(Guid Id, string Name, bool Active);

/// <summary>
/// One way the holder could get a right on the door, evaluated on its own: the card's status and
/// the holder's activity decide before any path (see <see cref="AccessExplanation.Reason"/>).
/// </summary>
public sealed record AccessPath
{
    /// <summary>Scheme (through a membership), direct grant or booking.</summary>
    public required AccessPathKind Kind { get; init; }

    /// <summary>Admits, or the first thing that stops the path.</summary>
    public required AccessPathStatus Status { get; init; }

    /// <summary>The status in words.</summary>
    public required string Why { get; init; }

    /// <summary>The compiler derives a term of the card's right from this path (what the edge holds).</summary>
    public required bool Compiled { get; init; }

    /// <summary>The effective window contains the instant.</summary>
    public required bool ValidAtTime { get; init; }

    /// <summary>Compiled, valid at the instant, and the schedule admits it.</summary>
    public bool Admits => Status == AccessPathStatus.Admits;

    /// <summary>Schemes: the chain from the membership's group up to the scheme's group. Grants: empty.</summary>
    public IReadOnlyList<PathGroup> Groups { get; init; } = [];

    /// <summary>The membership's role title (schemes).</summary>
    public string RoleTitle { get; init; } = "";

    /// <summary>The membership's validity (schemes).</summary>
    public ValidityWindow? MembershipValidity { get; init; }

    /// <summary>The scheme (schemes).</summary>
    public Guid? SchemeId { get; init; }

    /// <summary>The scheme's name (schemes).</summary>
    public string SchemeName { get; init; } = "";

    /// <summary>The scheme's validity (schemes).</summary>
    public ValidityWindow? SchemeValidity { get; init; }

    /// <summary>The direct grant (grants).</summary>
    public Guid? GrantId { get; init; }

    /// <summary>Why the grant was made (grants).</summary>
    public string GrantReason { get; init; } = "";

    /// <summary>The grant's validity (grants).</summary>
    public ValidityWindow? GrantValidity { get; init; }

    /// <summary>The booking (bookings).</summary>
    public Guid? BookingId { get; init; }

    /// <summary>The booked resource's name (bookings).</summary>
    public string ResourceName { get; init; } = "";

    /// <summary>The booking's access window, [start − early entry, end + grace] (bookings).</summary>
    public ValidityWindow? BookingValidity { get; init; }

    /// <summary>membership ∩ scheme ∩ card, grant ∩ card, or booking ∩ card.</summary>
    public required ValidityWindow EffectiveValidity { get; init; }

    /// <summary>The schedule; <see cref="Guid.Empty"/> for a booking (no schedule restriction).</summary>
    public required Guid ScheduleId { get; init; }

    /// <summary>The schedule's name.</summary>
    public required string ScheduleName { get; init; }

    /// <summary>The schedule at the instant in the site's local time; null when it cannot be evaluated.</summary>
    public ScheduleVerdict? Schedule { get; init; }

    /// <summary>The scheme, the grant or the door needs the PIN (bookings: the door).</summary>
    public required bool RequiresPin { get; init; }
}
