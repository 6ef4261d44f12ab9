using System.Diagnostics.CodeAnalysis;
using EdgeAccess.Decisions;
using EdgeAccess.Edge.Doors;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using NodaTime;
using DecisionReason = EdgeAccess.Decisions.DecisionReason;

namespace EdgeAccess.Edge.AccessPoint;

/// <summary>An answered door decision: what was decided, when, and its journal entry.</summary>
/// <param name="Decision">The decision.</param>
/// <param name="DecidedAt">The node's clock at the decision.</param>
/// <param name="JournalSeq">The journal entry that recorded it.</param>
public readonly record struct DoorOutcome(Decision Decision, DateTimeOffset DecidedAt, long JournalSeq);

/// <summary>
/// Decides door requests on the current index (card tap, then PIN through the
/// <see cref="SecondFactorTracker"/>) with the link state from the replica, and journals every
/// decision before it is returned, so an answered decision is durable.
/// </summary>
public sealed class DoorDecisions
{
    /// <summary>The journal entry kind of a door decision.</summary>
    public const string JournalKind = "door.decision";

    private readonly ReplicaIndexLoader _loader;
    private readonly DoorControl _doors;
    private readonly AccessPointOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DoorDecisions> _logger;
    private readonly SecondFactorTracker _tracker = new();

    /// <summary>Creates the decider.</summary>
    public DoorDecisions(ReplicaIndexLoader loader, DoorControl doors, IOptions<AccessPointOptions> options, TimeProvider time, ILogger<DoorDecisions> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _loader = loader;
        _doors = doors;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Hasher = new CardHasher(_options.DecodeCardHashKey());
    }

    /// <summary>Hashes card numbers with the deployment key.</summary>
    public CardHasher Hasher { get; }

    /// <summary>Decides a card tap (with the PIN if one was typed with it); null without an index.</summary>
    /// <remarks>Not cancellable: once decided, the decision is journaled even if the caller has gone.</remarks>
    public Task<DoorOutcome?> CheckAsync(string doorId, CardHash card, string? pin)
    {
        var started = _time.GetTimestamp();
        if (!TryIndex(doorId, out var index))
        {
            return Task.FromResult<DoorOutcome?>(null);
        }

        var now = _time.GetUtcNow();
        var at = Instant.FromDateTimeOffset(now);
        var decision = _tracker.Tap(index, new DecisionRequest(doorId, card, string.IsNullOrEmpty(pin) ? null : pin, at, Link()));
        decision = UnderLockdown(decision);
        return JournalAsync(doorId, decision, now, "check", started);
    }

    /// <summary>Completes the pending tap at a door with a PIN; null without an index.</summary>
    /// <remarks>Not cancellable, as <see cref="CheckAsync"/>.</remarks>
    public Task<DoorOutcome?> EnterPinAsync(string doorId, string pin)
    {
        var started = _time.GetTimestamp();
        if (!TryIndex(doorId, out var index))
        {
            return Task.FromResult<DoorOutcome?>(null);
        }

        var now = _time.GetUtcNow();
        var at = Instant.FromDateTimeOffset(now);
        var decision = _tracker.EnterPin(index, doorId, pin, at, Link());
        decision = UnderLockdown(decision);
        return JournalAsync(doorId, decision, now, "pin", started);
    }

    /// <summary>The proto reason of a decision reason (numbered one higher; 0 is unspecified).</summary>
    public static DoorDecisionReason ToProto(DecisionReason reason) => (DoorDecisionReason)((int)reason + 1);

    /// <summary>The proto flags of decision flags.</summary>
    public static DoorDecisionFlags ToProto(DecisionFlags flags) => new()
    {
        RightsStale = flags.HasFlag(DecisionFlags.RightsStale),
        DegradedPolicyApplied = flags.HasFlag(DecisionFlags.DegradedPolicyApplied),
    };

    // A lockdown overrides every outcome; the card is still identified for the journal.
    private Decision UnderLockdown(Decision decision) =>
        _doors.Lockdown is null ? decision : decision with { Reason = DecisionReason.Lockdown };

    private bool TryIndex(string doorId, [NotNullWhen(true)] out DecisionIndex? index)
    {
        // Taken once per decision: a reload meanwhile does not change the index this decision uses.
        index = _loader.Holder?.Current;
        if (index is null)
        {
            AccessPointLog.NoIndex(_logger, doorId);
            return false;
        }

        return true;
    }

    private LinkState Link()
    {
        Instant? synced = _loader.Store.LastSyncAt is { } last ? Instant.FromDateTimeOffset(last) : null;
        // Never synced: no lease at all, so the degraded policy applies from the first tap (fail secure).
        // A tampered replica cannot be trusted either: no lease until a snapshot replaced it.
        var leaseUntil = synced is { } s && !_loader.ReplicaTampered ? s + Duration.FromTimeSpan(_options.Lease) : Instant.MinValue;
        return new LinkState(synced, leaseUntil, Duration.FromTimeSpan(_options.FreshnessBound), _options.DegradedPolicy);
    }

    private async Task<DoorOutcome?> JournalAsync(
        string doorId, Decision decision, DateTimeOffset now, string step, long started)
    {
        var entry = new DoorDecisionEvent
        {
            DoorId = doorId,
            CardId = decision.CardId ?? "",
            Reason = ToProto(decision.Reason),
            Granted = decision.Granted,
            Flags = ToProto(decision.Flags),
            ReplicaPosition = decision.ReplicaPosition,
            Step = step,
        };
        long seq;
        try
        {
            seq = await _loader.Journal.AppendAsync(JournalKind, entry.ToByteArray(), now, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            AccessPointLog.JournalFailed(_logger, ex, doorId);
            throw;
        }

        AccessPointLog.Decided(_logger, doorId, decision.Reason, decision.CardId, decision.Flags, decision.ReplicaPosition, seq);
        AccessPointMetrics.Record(decision.Reason, _time.GetElapsedTime(started));
        return new DoorOutcome(decision, now, seq);
    }
}
