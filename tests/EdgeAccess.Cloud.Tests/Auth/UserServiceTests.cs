using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>The user admin API: validation, uniqueness, etags, idempotent creates, session revocation.</summary>
public sealed class UserServiceTests(AuthHub hub) : IClassFixture<AuthHub>
{
    [Fact]
    public async Task CreateUser_Valid_ReturnsActiveUserWithEtag()
    {
        var username = AuthHub.NewUsername("grace");

        var user = await CreateAsync(username, "long enough password", Role.Auditor);

        Assert.True(Guid.TryParse(user.Id, out _));
        Assert.Equal(username, user.Username);
        Assert.Equal(Role.Auditor, user.Role);
        Assert.True(user.Active);
        Assert.Equal("1", user.Etag);
        Assert.Equal(hub.Clock.GetUtcNow(), user.CreateTime.ToDateTimeOffset());
        Assert.Null(user.LockExpireTime);
        Assert.Equal(user, await hub.Users.GetUserAsync(new GetUserRequest { Id = user.Id }, hub.Admin).ResponseAsync.WithTimeout());
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("ümlaut")]
    [InlineData("semi;colon")]
    [InlineData("")]
    public async Task CreateUser_BadUsername_InvalidArgumentNamingUsername(string username)
    {
        var ex = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => CreateAsync(username, "long enough password"));

        Assert.StartsWith("user.username:", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_UsernameOf65Characters_InvalidArgumentNamingUsername()
    {
        var ex = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => CreateAsync(new string('a', 65), "long enough password"));

        Assert.StartsWith("user.username:", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("123456789")]
    [InlineData("")]
    public async Task CreateUser_ShortPassword_InvalidArgumentNamingPassword(string password)
    {
        var ex = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => CreateAsync(AuthHub.NewUsername(), password));

        Assert.StartsWith("password:", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_PasswordOf201CharactersOrEqualToUsername_InvalidArgumentNamingPassword()
    {
        var username = AuthHub.NewUsername();

        var tooLong = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => CreateAsync(username, new string('p', 201)));
        var sameAsName = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => CreateAsync(username, username.ToUpperInvariant()));

        Assert.StartsWith("password:", tooLong.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("password:", sameAsName.Status.Detail, StringComparison.Ordinal);
        await CreateAsync(username, new string('p', 200));
    }

    [Fact]
    public async Task CreateUser_NoRoleOrUnknownPerson_InvalidArgumentNamingField()
    {
        var noRole = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => CreateAsync(AuthHub.NewUsername(), "long enough password", Role.Unspecified));
        var ghost = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.Users.CreateUserAsync(new CreateUserRequest
        {
            User = new UserAccount { Username = AuthHub.NewUsername(), Role = Role.Member, PersonId = Guid.NewGuid().ToString() },
            Password = "long enough password",
        }, hub.Admin).ResponseAsync);

        Assert.StartsWith("user.role:", noRole.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("user.person_id:", ghost.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_SameNameOtherCase_AlreadyExists()
    {
        var username = AuthHub.NewUsername("Dup");
        await CreateAsync(username, "long enough password");

        var ex = await AuthAssert.FailsWith(StatusCode.AlreadyExists, () => CreateAsync(username.ToLowerInvariant(), "long enough password"));

        Assert.Contains(username.ToLowerInvariant(), ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_SameRequestIdTwice_OneUserSameAnswer()
    {
        var request = new CreateUserRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            User = new UserAccount { Username = AuthHub.NewUsername("idem"), Role = Role.Member },
            Password = "long enough password",
        };

        var first = await hub.Users.CreateUserAsync(request, hub.Admin).ResponseAsync.WithTimeout();
        var retry = await hub.Users.CreateUserAsync(request, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(first, retry);
        var listed = await hub.Users.ListUsersAsync(new ListUsersRequest { UsernamePrefix = request.User.Username }, hub.Admin).ResponseAsync.WithTimeout();
        Assert.Single(listed.Users);
        var other = request.Clone();
        other.User.Role = Role.Admin;
        await AuthAssert.FailsWith(StatusCode.AlreadyExists, () => hub.Users.CreateUserAsync(other, hub.Admin).ResponseAsync);
    }

    [Fact]
    public async Task GetUser_UnknownOrMalformedId_NotFoundOrInvalid()
    {
        await AuthAssert.FailsWith(StatusCode.NotFound, () => hub.Users.GetUserAsync(new GetUserRequest { Id = Guid.NewGuid().ToString() }, hub.Admin).ResponseAsync);
        var bad = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.Users.GetUserAsync(new GetUserRequest { Id = "42" }, hub.Admin).ResponseAsync);
        Assert.StartsWith("id:", bad.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListUsers_PrefixRoleActiveFilters_PagedInIdOrder()
    {
        var prefix = $"list{Guid.NewGuid():N}"[..12];
        // Ids are UUIDv7: time-ordered only across clock ticks, so the clock moves between creates.
        var a = await CreateAsync($"{prefix}-a", "long enough password", Role.Operator);
        hub.Clock.Advance(TimeSpan.FromSeconds(1));
        var b = await CreateAsync($"{prefix}-B", "long enough password", Role.Member);
        hub.Clock.Advance(TimeSpan.FromSeconds(1));
        var c = await CreateAsync($"{prefix}-c", "long enough password", Role.Operator);
        c.Active = false;
        await hub.Users.UpdateUserAsync(new UpdateUserRequest { User = c, UpdateMask = new FieldMask { Paths = { "active" } } }, hub.Admin).ResponseAsync.WithTimeout();

        var page1 = await ListAsync(new ListUsersRequest { UsernamePrefix = prefix.ToUpperInvariant(), PageSize = 2 });
        var page2 = await ListAsync(new ListUsersRequest { UsernamePrefix = prefix.ToUpperInvariant(), PageSize = 2, PageToken = page1.NextPageToken });
        var operators = await ListAsync(new ListUsersRequest { UsernamePrefix = prefix, Role = Role.Operator });
        var activeOperators = await ListAsync(new ListUsersRequest { UsernamePrefix = prefix, Role = Role.Operator, Active = true });

        Assert.Equal([a.Id, b.Id], page1.Users.Select(u => u.Id));
        Assert.Equal([c.Id], page2.Users.Select(u => u.Id));
        Assert.Equal("", page2.NextPageToken);
        Assert.Equal([a.Id, c.Id], operators.Users.Select(u => u.Id));
        Assert.Equal([a.Id], activeOperators.Users.Select(u => u.Id));
        await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.Users.ListUsersAsync(
            new ListUsersRequest { UsernamePrefix = prefix, Role = Role.Member, PageToken = page1.NextPageToken }, hub.Admin).ResponseAsync);
    }

    [Fact]
    public async Task ListUsers_PrefixWithLikeWildcards_MatchedLiterally()
    {
        var prefix = $"w{Guid.NewGuid():N}"[..10];
        await CreateAsync($"{prefix}_x", "long enough password");
        await CreateAsync($"{prefix}ax", "long enough password");

        var listed = await ListAsync(new ListUsersRequest { UsernamePrefix = $"{prefix}_" });

        Assert.Equal([$"{prefix}_x"], listed.Users.Select(u => u.Username));
    }

    [Fact]
    public async Task UpdateUser_StaleEtag_FailedPrecondition()
    {
        var (user, _, _) = await hub.CreateUserAsync();
        var stale = user.Clone();
        user.Role = Role.Operator;
        var updated = await hub.Users.UpdateUserAsync(new UpdateUserRequest { User = user }, hub.Admin).ResponseAsync.WithTimeout();
        Assert.Equal("2", updated.Etag);

        stale.Role = Role.Admin;
        var ex = await AuthAssert.FailsWith(StatusCode.FailedPrecondition, () => hub.Users.UpdateUserAsync(new UpdateUserRequest { User = stale }, hub.Admin).ResponseAsync);

        Assert.Contains("etag", ex.Status.Detail, StringComparison.Ordinal);
        var current = await hub.Users.GetUserAsync(new GetUserRequest { Id = user.Id }, hub.Admin).ResponseAsync.WithTimeout();
        Assert.Equal(Role.Operator, current.Role);
    }

    [Fact]
    public async Task UpdateUser_RoleChanged_AppliesToNextCallOfOpenSession()
    {
        var (user, username, password) = await hub.CreateUserAsync(Role.Member);
        var bearer = AuthHub.Bearer((await hub.LoginAsync(username, password)).AccessToken);
        await AuthAssert.FailsWith(StatusCode.PermissionDenied, () => hub.Users.GetUserAsync(new GetUserRequest { Id = user.Id }, bearer).ResponseAsync);

        user.Role = Role.Admin;
        await hub.Users.UpdateUserAsync(new UpdateUserRequest { User = user, UpdateMask = new FieldMask { Paths = { "role" } } }, hub.Admin).ResponseAsync.WithTimeout();

        await hub.Users.GetUserAsync(new GetUserRequest { Id = user.Id }, bearer).ResponseAsync.WithTimeout();
    }

    [Fact]
    public async Task UpdateUser_Deactivated_SessionsEndAtOnce()
    {
        var (user, username, password) = await hub.CreateUserAsync();
        var tokens = await hub.LoginAsync(username, password);

        user.Active = false;
        await hub.Users.UpdateUserAsync(new UpdateUserRequest { User = user }, hub.Admin).ResponseAsync.WithTimeout();

        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(tokens.AccessToken)).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.RefreshAsync(new RefreshRequest { RefreshToken = tokens.RefreshToken }).ResponseAsync);
        user.Active = true;
        user.Etag = "";
        await hub.Users.UpdateUserAsync(new UpdateUserRequest { User = user }, hub.Admin).ResponseAsync.WithTimeout();
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(tokens.AccessToken)).ResponseAsync);
        await hub.LoginAsync(username, password);
    }

    [Fact]
    public async Task UpdateUser_UnknownMaskPath_InvalidArgumentNamingMask()
    {
        var (user, _, _) = await hub.CreateUserAsync();

        var ex = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.Users.UpdateUserAsync(
            new UpdateUserRequest { User = user, UpdateMask = new FieldMask { Paths = { "username" } } }, hub.Admin).ResponseAsync);

        Assert.StartsWith("update_mask:", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetPassword_OpenSessions_EndedAndOnlyNewPasswordWorks()
    {
        var (user, username, password) = await hub.CreateUserAsync();
        var tokens = await hub.LoginAsync(username, password);

        var weak = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => hub.Users.ResetPasswordAsync(
            new ResetPasswordRequest { Id = user.Id, NewPassword = "tiny" }, hub.Admin).ResponseAsync);
        await hub.Users.ResetPasswordAsync(new ResetPasswordRequest { Id = user.Id, NewPassword = "another good passphrase", Etag = user.Etag }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.StartsWith("new_password:", weak.Status.Detail, StringComparison.Ordinal);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(tokens.AccessToken)).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.LoginAsync(username, password));
        await hub.LoginAsync(username, "another good passphrase");
    }

    [Fact]
    public async Task DeleteUser_WithSession_GoneAndSessionEnded()
    {
        var (user, username, password) = await hub.CreateUserAsync();
        var tokens = await hub.LoginAsync(username, password);
        await AuthAssert.FailsWith(StatusCode.FailedPrecondition, () => hub.Users.DeleteUserAsync(new DeleteUserRequest { Id = user.Id, Etag = "7" }, hub.Admin).ResponseAsync);

        await hub.Users.DeleteUserAsync(new DeleteUserRequest { Id = user.Id, Etag = user.Etag }, hub.Admin).ResponseAsync.WithTimeout();

        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.Auth.WhoAmIAsync(new WhoAmIRequest(), AuthHub.Bearer(tokens.AccessToken)).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.NotFound, () => hub.Users.GetUserAsync(new GetUserRequest { Id = user.Id }, hub.Admin).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.LoginAsync(username, password));
    }

    private Task<UserAccount> CreateAsync(string username, string password, Role role = Role.Member) =>
        hub.Users.CreateUserAsync(new CreateUserRequest { User = new UserAccount { Username = username, Role = role }, Password = password }, hub.Admin).ResponseAsync.WithTimeout();

    private Task<ListUsersResponse> ListAsync(ListUsersRequest request) =>
        hub.Users.ListUsersAsync(request, hub.Admin).ResponseAsync.WithTimeout();
}
