namespace EdgeAccess.Edge.Replica;

/// <summary>One event recorded on this node.</summary>
/// <param name="Seq">The node's sequence number: increasing, never reused.</param>
/// <param name="OccurredAt">When the event happened (from the caller's clock).</param>
/// <param name="Kind">What kind of event (e.g. <c>access.decision</c>); never card numbers or PINs.</param>
/// <param name="Payload">The serialized event.</param>
public sealed record JournalEntry(long Seq, DateTimeOffset OccurredAt, string Kind, byte[] Payload);
