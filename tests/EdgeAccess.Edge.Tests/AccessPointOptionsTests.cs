using EdgeAccess.Edge.AccessPoint;

namespace EdgeAccess.Edge.Tests;

/// <summary>Bad configuration fails at start, not at the first tap.</summary>
public sealed class AccessPointOptionsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQta2V5")] // "short-key": 9 bytes
    public void Validate_BadCardHashKey_FailsWithoutEchoingKey(string key)
    {
        var options = new AccessPointOptions { CardHashKey = key };

        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        var result = Assert.Single(results);
        Assert.Contains(nameof(AccessPointOptions.CardHashKey), result.MemberNames);
        if (key.Length > 0)
        {
            Assert.DoesNotContain(key, result.ErrorMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_TestKey_Passes()
    {
        var options = new AccessPointOptions { CardHashKey = Infrastructure.TestSite.CardHashKey };

        Assert.Empty(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
        Assert.Equal(TimeSpan.FromDays(7), options.Lease);
        Assert.Equal(TimeSpan.FromMinutes(15), options.FreshnessBound);
    }

    [Fact]
    public void ToProto_EveryReason_SameName()
    {
        foreach (var reason in Enum.GetValues<Decisions.DecisionReason>())
        {
            Assert.Equal(reason.ToString(), DoorDecisions.ToProto(reason).ToString());
        }
    }
}
