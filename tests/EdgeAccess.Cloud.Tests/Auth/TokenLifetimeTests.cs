using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>A hub whose tokens live 30 seconds (access) and 5 minutes (refresh).</summary>
public sealed class ShortLivedTokensHub() : AuthHub(new Dictionary<string, string?>
{
    ["EdgeAccess:Auth:AccessTokenLifetime"] = "00:00:30",
    ["EdgeAccess:Auth:RefreshTokenLifetime"] = "00:05:00",
});

/// <summary>Token expiry, driven by the hub's clock.</summary>
public sealed class TokenLifetimeTests(ShortLivedTokensHub hub) : IClassFixture<ShortLivedTokensHub>
{
    [Fact]
    public async Task WhoAmI_AccessTokenPastLifetime_Unauthenticated()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var tokens = await hub.LoginAsync(username, password);
        Assert.Equal(hub.Clock.GetUtcNow().AddSeconds(30), tokens.AccessExpireTime.ToDateTimeOffset());

        hub.Clock.Advance(TimeSpan.FromSeconds(29));
        await WhoAmIAsync(tokens.AccessToken);
        hub.Clock.Advance(TimeSpan.FromSeconds(1));

        var ex = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => WhoAmIAsync(tokens.AccessToken));
        Assert.Contains("expired", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_AccessExpiredRefreshValid_IssuesWorkingPair()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var tokens = await hub.LoginAsync(username, password);
        hub.Clock.Advance(TimeSpan.FromMinutes(4));

        var renewed = await hub.Auth.RefreshAsync(new RefreshRequest { RefreshToken = tokens.RefreshToken }).ResponseAsync.WithTimeout();

        Assert.Equal(hub.Clock.GetUtcNow().AddMinutes(5), renewed.RefreshExpireTime.ToDateTimeOffset());
        await WhoAmIAsync(renewed.AccessToken);
    }

    [Fact]
    public async Task Refresh_RefreshTokenPastLifetime_Unauthenticated()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var tokens = await hub.LoginAsync(username, password);
        hub.Clock.Advance(TimeSpan.FromMinutes(5));

        await AuthAssert.FailsWith(StatusCode.Unauthenticated,
            () => hub.Auth.RefreshAsync(new RefreshRequest { RefreshToken = tokens.RefreshToken }).ResponseAsync);
    }

    private Task<WhoAmIResponse> WhoAmIAsync(string accessToken) =>
        hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(accessToken)).ResponseAsync.WithTimeout();
}
