using EdgeAccess.Cloud.Auth;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>The throttling rule on its own: consecutive-failure lockout and the per-window cap.</summary>
public sealed class LoginThrottleRuleTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly AuthOptions Options = new() { MaxFailuresPerWindow = 25 };

    [Fact]
    public void AfterFailure_First_StartsWindowWithoutLock()
    {
        Assert.Equal(new FailureState(1, T0, null), LoginThrottle.AfterFailure(Options, 0, null, T0));
    }

    [Fact]
    public void AfterFailure_Tenth_LocksForLockoutDuration()
    {
        var state = LoginThrottle.AfterFailure(Options, 9, T0, T0.AddMinutes(5));

        Assert.Equal(new FailureState(10, T0, T0.AddMinutes(20)), state);
    }

    [Fact]
    public void AfterFailure_Eleventh_NoNewLock()
    {
        Assert.Null(LoginThrottle.AfterFailure(Options, 10, T0, T0.AddMinutes(16)).LockedUntil);
    }

    [Fact]
    public void AfterFailure_StreakAcrossWindowBoundary_StillLocksAtTenth()
    {
        var state = LoginThrottle.AfterFailure(Options, 7, T0, T0.AddHours(1));
        Assert.Equal(new FailureState(8, T0.AddHours(1), null), state);

        state = LoginThrottle.AfterFailure(Options, state.Failures, state.WindowStart, T0.AddHours(1).AddSeconds(1));
        state = LoginThrottle.AfterFailure(Options, state.Failures, state.WindowStart, T0.AddHours(1).AddSeconds(2));

        Assert.Equal(10, state.Failures);
        Assert.Equal(T0.AddHours(1).AddSeconds(2).AddMinutes(15), state.LockedUntil);
    }

    [Fact]
    public void AfterFailure_WindowCapReached_LockedUntilWindowEnds()
    {
        var state = LoginThrottle.AfterFailure(Options, 24, T0, T0.AddMinutes(40));

        Assert.Equal(new FailureState(25, T0, T0.AddHours(1)), state);
    }

    [Fact]
    public void AfterFailure_CapAndThresholdTogether_LaterLockWins()
    {
        var options = new AuthOptions { MaxFailuresPerWindow = 20 };

        var state = LoginThrottle.AfterFailure(options, 19, T0, T0.AddMinutes(50));

        Assert.Equal(T0.AddMinutes(65), state.LockedUntil);
    }
}
