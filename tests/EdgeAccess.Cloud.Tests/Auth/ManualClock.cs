namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>
/// A <see cref="TimeProvider"/> the test moves by hand. It starts at the real time (so sessions the
/// test host writes with the wall clock compare sensibly), cut to a whole second so that values
/// PostgreSQL stores (microseconds) compare equal to ones the test computes.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now = DateTimeOffset.FromUnixTimeSeconds(System.GetUtcNow().ToUnixTimeSeconds());

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by)
    {
        lock (_lock)
        {
            _now += by;
        }
    }
}
