namespace EdgeAccess.Cloud.Rights.Explain;

/// <summary>
/// What an edge decides for a card at a door, and why: the first rule that fails, in declaration
/// order after <see cref="Granted"/>. Numbered like <c>edgeaccess.v1.AccessReason</c>.
/// </summary>
public enum AccessReason
{
    /// <summary>Some compiled right is valid and its schedule admits the time.</summary>
    Granted = 1,

    /// <summary>No card has that id or number.</summary>
    UnknownCard = 2,

    /// <summary>The card is blocked.</summary>
    CardBlocked = 3,

    /// <summary>The card was reported lost.</summary>
    CardLost = 4,

    /// <summary>The time is before the card's validity starts.</summary>
    CardNotYetValid = 5,

    /// <summary>The time is at or after the card's validity ends.</summary>
    CardExpired = 6,

    /// <summary>The holder is inactive, so none of their cards holds a right.</summary>
    PersonInactive = 7,

    /// <summary>No grant path gives the card a compiled right on the door.</summary>
    NoRight = 8,

    /// <summary>Compiled rights exist, but none is valid at the time.</summary>
    NotValidAtTime = 9,

    /// <summary>Rights valid at the time exist, but none of their schedules admits it.</summary>
    OutsideSchedule = 10,

    /// <summary>As <see cref="OutsideSchedule"/>, and at least one schedule was closed by a holiday.</summary>
    Holiday = 11,
}

/// <summary>What a grant path comes from. Numbered like <c>edgeaccess.v1.AccessPathKind</c>.</summary>
public enum AccessPathKind
{
    /// <summary>A membership, up the group nesting, to an access scheme of a reached group.</summary>
    Scheme = 1,

    /// <summary>A door granted to the person directly.</summary>
    DirectGrant = 2,

    /// <summary>An active (confirmed or checked-in) booking of a resource that opens the door.</summary>
    Booking = 3,
}

/// <summary>
/// Whether a grant path admits the card at the time, or the first thing that stops it (in
/// declaration order). Numbered like <c>edgeaccess.v1.AccessPathStatus</c>.
/// </summary>
public enum AccessPathStatus
{
    /// <summary>Compiled, valid at the time, and its schedule admits the time.</summary>
    Admits = 1,

    /// <summary>A group of the chain is inactive: it grants nothing and passes nothing on.</summary>
    InactiveGroup = 2,

    /// <summary>The validity windows (membership, scheme or grant, and card) have no instant in common.</summary>
    NeverValid = 3,

    /// <summary>The membership starts after the time.</summary>
    MembershipNotYetValid = 4,

    /// <summary>The membership ended at or before the time.</summary>
    MembershipExpired = 5,

    /// <summary>The scheme starts after the time.</summary>
    SchemeNotYetValid = 6,

    /// <summary>The scheme ended at or before the time.</summary>
    SchemeExpired = 7,

    /// <summary>The direct grant starts after the time.</summary>
    GrantNotYetValid = 8,

    /// <summary>The direct grant ended at or before the time.</summary>
    GrantExpired = 9,

    /// <summary>The card's own validity excludes the time.</summary>
    CardNotValid = 10,

    /// <summary>No interval of the schedule covers the local time.</summary>
    OutsideSchedule = 11,

    /// <summary>The local date (or the day before, for an overnight interval) is a holiday.</summary>
    Holiday = 12,

    /// <summary>A special day's intervals do not cover the local time.</summary>
    SpecialDay = 13,

    /// <summary>The stored schedule cannot be read or compiled.</summary>
    ScheduleUnreadable = 14,

    /// <summary>The booking's access window (start − early entry) starts after the time.</summary>
    BookingNotYetValid = 15,

    /// <summary>The booking's access window (end + grace) ended at or before the time.</summary>
    BookingEnded = 16,
}
