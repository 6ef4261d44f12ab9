using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>Sign-in, who-am-I, sign-out and password change against the real hub.</summary>
public sealed class AuthServiceTests(AuthHub hub) : IClassFixture<AuthHub>
{
    [Fact]
    public async Task Login_CorrectPassword_ReturnsTokensThatWork()
    {
        var (user, username, password) = await hub.CreateUserAsync(Role.Operator);

        var tokens = await hub.LoginAsync(username.ToUpperInvariant(), password);

        Assert.Equal(43, tokens.AccessToken.Length);
        Assert.Equal(43, tokens.RefreshToken.Length);
        Assert.NotEqual(tokens.AccessToken, tokens.RefreshToken);
        Assert.Equal(hub.Clock.GetUtcNow().AddMinutes(15), tokens.AccessExpireTime.ToDateTimeOffset());
        Assert.Equal(hub.Clock.GetUtcNow().AddDays(7), tokens.RefreshExpireTime.ToDateTimeOffset());
        Assert.Equal(user.Id, tokens.User.Id);
        Assert.Equal(Role.Operator, tokens.User.Role);
        var me = await hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(tokens.AccessToken)).ResponseAsync.WithTimeout();
        Assert.Equal(user.Id, me.UserId);
        Assert.Equal(username, me.Username);
        Assert.Equal(Role.Operator, me.Role);
        Assert.Equal("", me.PersonId);
    }

    [Fact]
    public async Task Login_WrongPasswordOrUnknownUser_SameUnauthenticatedMessage()
    {
        var (_, username, _) = await hub.CreateUserAsync();

        var wrongPassword = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.LoginAsync(username, "not the password"));
        var unknownUser = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.LoginAsync(AuthHub.NewUsername("ghost"), "not the password"));
        var impossibleName = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.LoginAsync("no spaces allowed here", "not the password"));

        Assert.Equal("invalid username or password", wrongPassword.Status.Detail);
        Assert.Equal(wrongPassword.Status.Detail, unknownUser.Status.Detail);
        Assert.Equal(wrongPassword.Status.Detail, impossibleName.Status.Detail);
    }

    [Fact]
    public async Task Login_InactiveUser_SameUnauthenticatedMessage()
    {
        var (user, username, password) = await hub.CreateUserAsync();
        user.Active = false;
        await hub.Users.UpdateUserAsync(new UpdateUserRequest { User = user }, hub.Admin).ResponseAsync.WithTimeout();

        var ex = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.LoginAsync(username, password));

        Assert.Equal("invalid username or password", ex.Status.Detail);
    }

    [Fact]
    public async Task Login_EmptyFields_InvalidArgumentNamingField()
    {
        var noName = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.LoginAsync("", "whatever-password"));
        var noPassword = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.LoginAsync("someone", ""));

        Assert.StartsWith("username:", noName.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("password:", noPassword.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhoAmI_NoOrMalformedOrUnknownToken_Unauthenticated()
    {
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer("short")).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(new string('A', 43))).ResponseAsync);
        var basic = new CallOptions(Headers: new Metadata { { "authorization", "Basic dXNlcjpwYXNz" } });
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), basic).ResponseAsync);
    }

    [Fact]
    public async Task WhoAmI_SessionWrittenByTestHost_ReturnsItsUser()
    {
        var personId = Guid.CreateVersion7();
        await using (var scope = hub.Host.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            db.People.Add(new Data.Entities.Person { Id = personId, DisplayName = "Ada", CreatedAt = hub.Clock.GetUtcNow(), UpdatedAt = hub.Clock.GetUtcNow() });
            await db.SaveChangesAsync().WithTimeout();
        }

        var options = await hub.Host.SignInAsync(Data.Entities.UserRole.Auditor, personId, "ada.auditor").WithTimeout();

        var me = await hub.Auth.WhoAmIAsync(new WhoAmIRequest(), options).ResponseAsync.WithTimeout();
        Assert.Equal("ada.auditor", me.Username);
        Assert.Equal(Role.Auditor, me.Role);
        Assert.Equal(personId.ToString(), me.PersonId);
    }

    [Fact]
    public async Task Logout_Token_RejectedAtOnceOnEveryHubInstance()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var tokens = await hub.LoginAsync(username, password);
        var bearer = AuthHub.Bearer(tokens.AccessToken);
        await using var second = new HubHost(new Dictionary<string, string?> { ["EdgeAccess:Database:ConnectionString"] = hub.Host.ConnectionString });
        await second.InitializeAsync().WithTimeout(TimeSpan.FromSeconds(90));
        var secondAuth = new AuthService.Client(second.Channel);
        await secondAuth.WhoAmIAsync(new WhoAmIRequest(), bearer).ResponseAsync.WithTimeout();

        await hub.Auth.LogoutAsync(new LogoutRequest(), bearer).ResponseAsync.WithTimeout();

        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), bearer).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => secondAuth.WhoAmIAsync(new WhoAmIRequest(), bearer).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => secondAuth.RefreshAsync(new RefreshRequest { RefreshToken = tokens.RefreshToken }).ResponseAsync);
    }

    [Fact]
    public async Task ChangePassword_CorrectCurrent_NewWorksOldFailsOtherSessionsEnd()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var here = await hub.LoginAsync(username, password);
        var elsewhere = await hub.LoginAsync(username, password);

        await hub.Auth.ChangePasswordAsync(
            new ChangePasswordRequest { CurrentPassword = password, NewPassword = "a brand new passphrase" },
            AuthHub.Bearer(here.AccessToken)).ResponseAsync.WithTimeout();

        await hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(here.AccessToken)).ResponseAsync.WithTimeout();
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(elsewhere.AccessToken)).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.LoginAsync(username, password));
        await hub.LoginAsync(username, "a brand new passphrase");
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentOrWeakNew_InvalidArgumentNamingField()
    {
        var (_, username, password) = await hub.CreateUserAsync();
        var bearer = AuthHub.Bearer((await hub.LoginAsync(username, password)).AccessToken);

        var wrong = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.Auth.ChangePasswordAsync(
            new ChangePasswordRequest { CurrentPassword = "not my password", NewPassword = "a brand new passphrase" }, bearer).ResponseAsync);
        var tooShort = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.Auth.ChangePasswordAsync(
            new ChangePasswordRequest { CurrentPassword = password, NewPassword = "short" }, bearer).ResponseAsync);
        var isName = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.Auth.ChangePasswordAsync(
            new ChangePasswordRequest { CurrentPassword = password, NewPassword = username }, bearer).ResponseAsync);

        Assert.StartsWith("current_password:", wrong.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("new_password:", tooShort.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("new_password:", isName.Status.Detail, StringComparison.Ordinal);
        await using var scope = hub.Host.CreateScope();
        var failed = await scope.ServiceProvider.GetRequiredService<HubDbContext>().Users
            .Where(u => u.Username == username).Select(u => u.FailedLogins).SingleAsync().WithTimeout();
        Assert.Equal(1, failed);
    }
}
