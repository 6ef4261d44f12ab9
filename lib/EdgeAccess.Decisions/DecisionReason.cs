namespace EdgeAccess.Decisions;

/// <summary>Why a card tap was granted or denied; machine-readable, stable numbers (logged and reported).</summary>
public enum DecisionReason
{
    /// <summary>A term admits the card at the door now (and the PIN, if needed, matched).</summary>
    Granted = 0,

    /// <summary>No active card with this number hash is in the replica.</summary>
    UnknownCard = 1,

    /// <summary>The door is not in the replica.</summary>
    UnknownDoor = 2,

    /// <summary>The card is blocked.</summary>
    CardBlocked = 3,

    /// <summary>The card was reported lost.</summary>
    CardLost = 4,

    /// <summary>The card's validity starts later.</summary>
    CardNotYetValid = 5,

    /// <summary>The card's validity has ended.</summary>
    CardExpired = 6,

    /// <summary>The card has no right at this door.</summary>
    NoRight = 7,

    /// <summary>The card has rights at the door, but none of their validity windows contains now.</summary>
    NotValidAtTime = 8,

    /// <summary>A right is valid now, but no schedule of such a right admits the local time.</summary>
    OutsideSchedule = 9,

    /// <summary>As <see cref="OutsideSchedule"/>, because today (or yesterday, for a night shift) is a holiday.</summary>
    Holiday = 10,

    /// <summary>The door or the admitting right needs a PIN and none was given (keep the tap pending).</summary>
    PinRequired = 11,

    /// <summary>The PIN given does not match the card's.</summary>
    PinWrong = 12,

    /// <summary>A PIN is needed, but the card has no PIN set.</summary>
    PinNotSet = 13,

    /// <summary>The edge's lease ran out and the degraded policy denies this card.</summary>
    LeaseExpiredDenied = 14,

    /// <summary>A PIN was entered but the card tap it completes is older than the window (or missing).</summary>
    SecondFactorTimeout = 15,

    /// <summary>The node is in lockdown (an operator's command): every tap is denied until released.</summary>
    Lockdown = 16,
}

/// <summary>Conditions that held while deciding, independent of the outcome.</summary>
[Flags]
public enum DecisionFlags
{
    /// <summary>Nothing special.</summary>
    None = 0,

    /// <summary>The last sync with the hub is older than the freshness bound (or never happened).</summary>
    RightsStale = 1,

    /// <summary>The lease had expired, so the degraded policy decided whether the card may proceed.</summary>
    DegradedPolicyApplied = 2,
}
