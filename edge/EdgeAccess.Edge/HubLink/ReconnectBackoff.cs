namespace EdgeAccess.Edge.HubLink;

/// <summary>
/// Waits between attempts to reach the hub: exponential from 1 s, capped, with full jitter, so a
/// building of nodes does not reconnect in lockstep after a hub restart.
/// </summary>
internal static class ReconnectBackoff
{
    /// <summary>The wait before attempt <paramref name="failures"/> + 1 (at least 0.2 s).</summary>
    public static TimeSpan Next(int failures, TimeSpan cap)
    {
        var ceiling = Math.Min(cap.TotalSeconds, Math.Pow(2, Math.Min(failures, 16)));
        return TimeSpan.FromSeconds(Math.Max(0.2, Random.Shared.NextDouble() * ceiling));
    }
}
