namespace EdgeAccess.Cloud.Tests.Infrastructure;

/// <summary>
/// The compiler tests' clock: it stands still unless moved. It starts on 2026-01-01 UTC, before
/// every booking the tests make, so no booking is pruned (see <c>BookingPruneOptions</c>) unless a
/// test moves the clock past it.
/// </summary>
public sealed class TestClock : TimeProvider
{
    /// <summary>Where every clock starts.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private DateTimeOffset _now = Start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <summary>Sets the clock (also backwards).</summary>
    public void Set(DateTimeOffset now)
    {
        lock (_lock)
        {
            _now = now;
        }
    }
}
