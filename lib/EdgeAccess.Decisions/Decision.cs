namespace EdgeAccess.Decisions;

/// <summary>The outcome of one card tap (or PIN entry). A small value; deciding allocates nothing.</summary>
/// <param name="Reason">Why; <see cref="DecisionReason.Granted"/> exactly when access is granted.</param>
/// <param name="Flags">Conditions that held (stale rights, degraded policy).</param>
/// <param name="ReplicaPosition">The feed position of the index that decided.</param>
/// <param name="CardId">The card's id when the card was found (for the audit trail), otherwise null.</param>
public readonly record struct Decision(DecisionReason Reason, DecisionFlags Flags, long ReplicaPosition, string? CardId)
{
    /// <summary>True when the door may open.</summary>
    public bool Granted => Reason == DecisionReason.Granted;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Granted ? "granted" : "denied")} ({Reason}{(Flags == DecisionFlags.None ? "" : ", " + Flags)}) @ {ReplicaPosition}";
}
