using NodaTime;

namespace EdgeAccess.Decisions;

/// <summary>What the edge does with card taps once its lease has expired (hub unreachable too long).</summary>
public enum DegradedPolicy
{
    /// <summary>Deny every tap (fail secure).</summary>
    DenyAll = 0,

    /// <summary>Only cards marked <c>allow_when_degraded</c> continue to the usual checks.</summary>
    AllowMarkedCards = 1,
}

/// <summary>The state of the edge's link to the hub at the moment of a decision.</summary>
/// <param name="LastSyncAt">When the replica last caught up with the hub; null: never.</param>
/// <param name="LeaseUntil">When the hub's lease ends; at or after it the degraded policy applies.</param>
/// <param name="FreshnessBound">How old the last sync may be before decisions carry <see cref="DecisionFlags.RightsStale"/>.</param>
/// <param name="Policy">What an expired lease means for a tap.</param>
public readonly record struct LinkState(Instant? LastSyncAt, Instant LeaseUntil, Duration FreshnessBound, DegradedPolicy Policy)
{
    /// <summary>True when the lease has run out at <paramref name="at"/>.</summary>
    /// <param name="at">The moment of the decision.</param>
    /// <returns>Whether the degraded policy applies.</returns>
    public bool LeaseExpired(Instant at) => at >= LeaseUntil;

    /// <summary>True when the last sync is older than the freshness bound at <paramref name="at"/>.</summary>
    /// <param name="at">The moment of the decision.</param>
    /// <returns>Whether decisions are flagged <see cref="DecisionFlags.RightsStale"/>.</returns>
    public bool IsStale(Instant at) => LastSyncAt is not { } synced || at - synced > FreshnessBound;
}

/// <summary>One card tap (or card + PIN) at a door.</summary>
/// <param name="DoorId">The door's id as in <c>DoorRecord.id</c>.</param>
/// <param name="Card">The hash of the card number read (see <see cref="CardHasher"/>).</param>
/// <param name="Pin">The PIN typed with the tap; null when none.</param>
/// <param name="At">The moment of the tap (from the caller's <see cref="TimeProvider"/>).</param>
/// <param name="Link">The link state at that moment.</param>
public readonly record struct DecisionRequest(string DoorId, CardHash Card, string? Pin, Instant At, LinkState Link);
