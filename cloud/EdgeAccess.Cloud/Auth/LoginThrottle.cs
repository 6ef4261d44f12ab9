namespace EdgeAccess.Cloud.Auth;

/// <summary>The throttling state kept in the user's row after a failed login.</summary>
/// <param name="Failures">Failures counted in the window (users.failed_logins).</param>
/// <param name="WindowStart">When the window began (users.failed_window_start).</param>
/// <param name="LockedUntil">Set when this failure locks the account (users.locked_until).</param>
internal readonly record struct FailureState(int Failures, DateTimeOffset WindowStart, DateTimeOffset? LockedUntil);

/// <summary>
/// The login throttling rule, kept apart from storage so it can be checked on its own. Two limits
/// share the row's one counter: every <see cref="AuthOptions.LockoutThreshold"/>-th consecutive
/// failure locks the account for <see cref="AuthOptions.LockoutDuration"/>, and reaching
/// <see cref="AuthOptions.MaxFailuresPerWindow"/> within <see cref="AuthOptions.FailureWindow"/>
/// locks it until the window ends. A successful login resets the counter.
/// </summary>
internal static class LoginThrottle
{
    /// <summary>The state after one more failure at <paramref name="now"/>.</summary>
    public static FailureState AfterFailure(AuthOptions options, int failures, DateTimeOffset? windowStart, DateTimeOffset now)
    {
        var start = windowStart ?? now;
        if (windowStart is null || now >= start + options.FailureWindow)
        {
            // A new window. The current streak carries over (modulo the threshold) so that failures
            // on both sides of the boundary still count as consecutive; the window's count starts
            // from that carry, which errs on the safe side by less than one threshold.
            failures %= options.LockoutThreshold;
            start = now;
        }

        failures++;
        DateTimeOffset? lockedUntil = null;
        if (failures % options.LockoutThreshold == 0)
        {
            lockedUntil = now + options.LockoutDuration;
        }

        if (failures >= options.MaxFailuresPerWindow)
        {
            var windowEnd = start + options.FailureWindow;
            lockedUntil = lockedUntil is { } until && until > windowEnd ? until : windowEnd;
        }

        return new FailureState(failures, start, lockedUntil);
    }
}
