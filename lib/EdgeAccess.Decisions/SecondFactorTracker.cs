using NodaTime;

namespace EdgeAccess.Decisions;

/// <summary>
/// Card first, PIN second, at a keypad beside the reader (turnstile style). A tap that needs a PIN
/// leaves the door pending for <see cref="Window"/>; a PIN typed at that door within the window
/// completes the tap (decided again at the PIN's moment, with the PIN), later ones get
/// <see cref="DecisionReason.SecondFactorTimeout"/>. One pending tap per door: a new tap replaces
/// it. Thread-safe; at most <see cref="Capacity"/> doors pending (expired, then oldest, evicted).
/// </summary>
public sealed class SecondFactorTracker
{
    /// <summary>The default window between card and PIN.</summary>
    public static readonly Duration DefaultWindow = Duration.FromSeconds(15);

    /// <summary>The default number of doors that may be pending at once.</summary>
    public const int DefaultCapacity = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    /// <summary>Creates a tracker.</summary>
    /// <param name="window">How long a tap waits for its PIN; default <see cref="DefaultWindow"/>.</param>
    /// <param name="capacity">Most doors pending at once; default <see cref="DefaultCapacity"/>.</param>
    public SecondFactorTracker(Duration? window = null, int capacity = DefaultCapacity)
    {
        Window = window ?? DefaultWindow;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Window, Duration.Zero, nameof(window));
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>How long a tap waits for its PIN (inclusive).</summary>
    public Duration Window { get; }

    /// <summary>Most doors pending at once.</summary>
    public int Capacity { get; }

    /// <summary>Doors pending now (including expired entries not yet evicted).</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Decides a card tap; when it is <see cref="DecisionReason.PinRequired"/>, the door waits for the PIN.</summary>
    /// <param name="index">The index to decide on.</param>
    /// <param name="request">The tap (usually without a PIN).</param>
    /// <returns>The decision.</returns>
    public Decision Tap(DecisionIndex index, in DecisionRequest request)
    {
        var decision = DoorDecider.Decide(index, request);
        if (request.DoorId is null)
        {
            return decision;
        }

        lock (_lock)
        {
            if (decision.Reason != DecisionReason.PinRequired)
            {
                _pending.Remove(request.DoorId); // any other tap ends what was pending at this door
                return decision;
            }

            if (!_pending.ContainsKey(request.DoorId) && _pending.Count >= Capacity)
            {
                Evict(request.At);
            }

            _pending[request.DoorId] = new Pending(request.Card, request.At);
        }

        return decision;
    }

    /// <summary>Completes the pending tap at a door with a PIN.</summary>
    /// <param name="index">The index to decide on.</param>
    /// <param name="doorId">The door whose keypad was used.</param>
    /// <param name="pin">The PIN typed.</param>
    /// <param name="at">When the PIN was entered.</param>
    /// <param name="link">The link state then.</param>
    /// <returns>The decision of card + PIN, or <see cref="DecisionReason.SecondFactorTimeout"/> without a tap in the window.</returns>
    public Decision EnterPin(DecisionIndex index, string doorId, string pin, Instant at, LinkState link)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(doorId);
        Pending pending;
        bool found;
        lock (_lock)
        {
            found = _pending.Remove(doorId, out pending);
        }

        if (!found || at - pending.At > Window || at < pending.At)
        {
            var flags = link.IsStale(at) ? DecisionFlags.RightsStale : DecisionFlags.None;
            var cardId = found ? index.CardId(pending.Card) : null;
            return new Decision(DecisionReason.SecondFactorTimeout, flags, index.Position, cardId);
        }

        return DoorDecider.Decide(index, new DecisionRequest(doorId, pending.Card, pin, at, link));
    }

    private void Evict(Instant now)
    {
        string? oldest = null;
        var oldestAt = Instant.MaxValue;
        foreach (var (door, entry) in _pending)
        {
            if (now - entry.At > Window)
            {
                _pending.Remove(door); // allowed while enumerating a Dictionary since .NET Core 3.0
            }
            else if (entry.At < oldestAt)
            {
                (oldest, oldestAt) = (door, entry.At);
            }
        }

        if (_pending.Count >= Capacity && oldest is not null)
        {
            _pending.Remove(oldest);
        }
    }

    private readonly record struct Pending(CardHash Card, Instant At);
}
