using NodaTime;
using static EdgeAccess.Decisions.Tests.TestReplica;

namespace EdgeAccess.Decisions.Tests;

public class LeaseTests
{
    private static LinkState Expired(Instant at, DegradedPolicy policy) =>
        new(at - Duration.FromDays(2), at - Duration.FromHours(1), Duration.FromMinutes(10), policy);

    [Fact]
    public void Decide_LeaseExpiredDenyAll_LeaseExpiredDenied()
    {
        var builder = Builder();
        builder.Add(Card("card-1", "A1B2C3", degraded: true));

        var decision = DoorDecider.Decide(builder.Build(), Tap("A1B2C3", MondayTen, link: Expired(MondayTen, DegradedPolicy.DenyAll)));

        Assert.Equal(DecisionReason.LeaseExpiredDenied, decision.Reason);
        Assert.Equal(DecisionFlags.RightsStale | DecisionFlags.DegradedPolicyApplied, decision.Flags);
    }

    [Fact]
    public void Decide_LeaseExpiredAllowMarkedUnmarkedCard_LeaseExpiredDenied()
    {
        var decision = DoorDecider.Decide(Index(), Tap("A1B2C3", MondayTen, link: Expired(MondayTen, DegradedPolicy.AllowMarkedCards)));

        Assert.Equal(DecisionReason.LeaseExpiredDenied, decision.Reason);
        Assert.True(decision.Flags.HasFlag(DecisionFlags.DegradedPolicyApplied));
    }

    [Fact]
    public void Decide_LeaseExpiredAllowMarkedMarkedCard_GrantedWithFlags()
    {
        var builder = Builder();
        builder.Add(Card("card-1", "A1B2C3", degraded: true));

        var decision = DoorDecider.Decide(builder.Build(), Tap("A1B2C3", MondayTen, link: Expired(MondayTen, DegradedPolicy.AllowMarkedCards)));

        Assert.True(decision.Granted);
        Assert.Equal(DecisionFlags.RightsStale | DecisionFlags.DegradedPolicyApplied, decision.Flags);
    }

    [Fact]
    public void Decide_LeaseExpiredMarkedCardOutsideSchedule_StillChecksSchedule()
    {
        var builder = Builder();
        builder.Add(Card("card-1", "A1B2C3", degraded: true));
        var evening = Local(2026, 3, 30, 20, 0);

        var decision = DoorDecider.Decide(builder.Build(), Tap("A1B2C3", evening, link: Expired(evening, DegradedPolicy.AllowMarkedCards)));

        Assert.Equal(DecisionReason.OutsideSchedule, decision.Reason);
    }

    [Fact]
    public void Decide_LeaseEndsExactlyNow_LeaseExpired()
    {
        var link = new LinkState(MondayTen, MondayTen, Duration.FromMinutes(10), DegradedPolicy.DenyAll);

        Assert.Equal(DecisionReason.LeaseExpiredDenied, DoorDecider.Decide(Index(), Tap("A1B2C3", MondayTen, link: link)).Reason);
    }

    [Fact]
    public void Decide_BlockedCardWithExpiredLease_CardBlockedFirst()
    {
        var builder = Builder();
        builder.Add(Card("card-1", "A1B2C3", Protos.V1.CardStatus.Blocked));

        var decision = DoorDecider.Decide(builder.Build(), Tap("A1B2C3", MondayTen, link: Expired(MondayTen, DegradedPolicy.DenyAll)));

        Assert.Equal(DecisionReason.CardBlocked, decision.Reason);
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, false)]
    [InlineData(11, true)]
    public void Decide_LastSyncAge_RightsStaleBeyondBound(int minutesAgo, bool stale)
    {
        var link = new LinkState(MondayTen - Duration.FromMinutes(minutesAgo), MondayTen + Duration.FromHours(1), Duration.FromMinutes(10), DegradedPolicy.DenyAll);

        var decision = DoorDecider.Decide(Index(), Tap("A1B2C3", MondayTen, link: link));

        Assert.True(decision.Granted);
        Assert.Equal(stale, decision.Flags.HasFlag(DecisionFlags.RightsStale));
    }

    [Fact]
    public void Decide_NeverSynced_RightsStale()
    {
        var link = new LinkState(null, MondayTen + Duration.FromHours(1), Duration.FromMinutes(10), DegradedPolicy.DenyAll);

        Assert.Equal(DecisionFlags.RightsStale, DoorDecider.Decide(Index(), Tap("FFFF", MondayTen, link: link)).Flags);
    }
}
