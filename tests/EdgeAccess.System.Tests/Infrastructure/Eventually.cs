namespace EdgeAccess.SystemTests.Infrastructure;

/// <summary>
/// Polling for something another process does (an edge node, the hub's background work): the
/// condition is re-checked until it holds or the time is up, and then the test fails with what
/// was last seen.
/// </summary>
public static class Eventually
{
    /// <summary>The default patience: long enough for a reconnect with backoff, short enough to fail fast.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits until <paramref name="probe"/> returns a value that satisfies <paramref name="done"/>; returns it.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, Func<T, string> failure, TimeSpan? timeout = null, int pollMs = 100)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, failure(value));
            await Task.Delay(pollMs);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<bool> condition, Func<string> failure, TimeSpan? timeout = null, int pollMs = 100) =>
        UntilAsync(() => Task.FromResult(condition()), held => held, _ => failure(), timeout, pollMs);
}
