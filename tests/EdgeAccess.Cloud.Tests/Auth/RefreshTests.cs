using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>Refresh-token rotation and reuse detection.</summary>
public sealed class RefreshTests(AuthHub hub) : IClassFixture<AuthHub>
{
    [Fact]
    public async Task Refresh_ValidToken_NewPairWorksOldPairStops()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var first = await hub.LoginAsync(username, password);

        var second = await RefreshAsync(first.RefreshToken);

        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(username, second.User.Username);
        await WhoAmIAsync(second.AccessToken);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => WhoAmIAsync(first.AccessToken));
    }

    [Fact]
    public async Task Refresh_RotatedTokenAgain_UnauthenticatedAndSessionRevoked()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var first = await hub.LoginAsync(username, password);
        var second = await RefreshAsync(first.RefreshToken);

        var reuse = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => RefreshAsync(first.RefreshToken));

        Assert.Contains("revoked", reuse.Status.Detail, StringComparison.Ordinal);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => WhoAmIAsync(second.AccessToken));
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => RefreshAsync(second.RefreshToken));
    }

    [Fact]
    public async Task Refresh_OlderRotatedToken_AlsoRevokesSession()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var first = await hub.LoginAsync(username, password);
        var second = await RefreshAsync(first.RefreshToken);
        var third = await RefreshAsync(second.RefreshToken);

        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => RefreshAsync(first.RefreshToken));

        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => WhoAmIAsync(third.AccessToken));
    }

    [Fact]
    public async Task Refresh_OtherSessionsOfUser_Unaffected()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var phone = await hub.LoginAsync(username, password);
        var laptop = await hub.LoginAsync(username, password);
        await RefreshAsync(phone.RefreshToken);

        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => RefreshAsync(phone.RefreshToken));

        await WhoAmIAsync(laptop.AccessToken);
    }

    [Fact]
    public async Task Refresh_UnknownOrMalformedToken_Unauthenticated()
    {
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => RefreshAsync(new string('x', 43)));
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => RefreshAsync("not-a-token"));
        var empty = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => RefreshAsync(""));
        Assert.StartsWith("refresh_token:", empty.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_AccessTokenInsteadOfRefreshToken_Unauthenticated()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var tokens = await hub.LoginAsync(username, password);

        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => RefreshAsync(tokens.AccessToken));

        await WhoAmIAsync(tokens.AccessToken);
    }

    private Task<AuthTokens> RefreshAsync(string refreshToken) =>
        hub.Auth.RefreshAsync(new RefreshRequest { RefreshToken = refreshToken }).ResponseAsync.WithTimeout();

    private Task<WhoAmIResponse> WhoAmIAsync(string accessToken) =>
        hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(accessToken)).ResponseAsync.WithTimeout();
}
