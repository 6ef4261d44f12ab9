namespace EdgeAccess.Grpc.Tests.Infrastructure;

/// <summary>Bounds for every await in the tests: generous, so a slow machine does not fail them, but finite.</summary>
public static class TestTimeouts
{
    /// <summary>A single call or signal on loopback.</summary>
    public static readonly TimeSpan Call = TimeSpan.FromSeconds(10);

    /// <summary>Many calls, or waits that depend on server-side timers (Kestrel's data-rate heartbeat).</summary>
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
}
