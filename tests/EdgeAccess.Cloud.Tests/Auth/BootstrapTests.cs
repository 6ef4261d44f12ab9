using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Cloud.Tests.Auth;

/// <summary>A fresh hub configured with a bootstrap admin.</summary>
public sealed class BootstrapHub() : AuthHub(new Dictionary<string, string?>
{
    ["EdgeAccess:Bootstrap:AdminUsername"] = BootstrapHub.Username,
    ["EdgeAccess:Bootstrap:AdminPassword"] = BootstrapHub.Password,
})
{
    /// <summary>The configured admin name.</summary>
    public const string Username = "root.admin";

    /// <summary>The configured admin password.</summary>
    public const string Password = "bootstrap passphrase 1";
}

/// <summary>The first admin of an empty hub, from configuration.</summary>
public sealed class BootstrapTests(BootstrapHub hub) : IClassFixture<BootstrapHub>
{
    [Fact]
    public async Task Start_EmptyUsersTable_AdminCreatedAndSignsIn()
    {
        var tokens = await hub.LoginAsync(BootstrapHub.Username, BootstrapHub.Password);

        Assert.Equal(Role.Admin, tokens.User.Role);
        var created = Assert.Single(hub.Logs.Entries, e => e.EventId.Id == 3312);
        Assert.Contains(BootstrapHub.Username, created.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.Logs.Entries, e => e.Text.Contains(BootstrapHub.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_UsersAlreadyExist_NoSecondAdmin()
    {
        await using var second = new HubHost(new Dictionary<string, string?>
        {
            ["EdgeAccess:Database:ConnectionString"] = hub.Host.ConnectionString,
            ["EdgeAccess:Bootstrap:AdminUsername"] = "second.admin",
            ["EdgeAccess:Bootstrap:AdminPassword"] = "another bootstrap passphrase",
        });
        await second.InitializeAsync().WithTimeout(TimeSpan.FromSeconds(90));

        var listed = await hub.Users.ListUsersAsync(new ListUsersRequest { UsernamePrefix = "second.admin" }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Empty(listed.Users);
    }

    [Fact]
    public async Task Start_BootstrapPasswordTooShort_RefusesToStart()
    {
        await using var bad = new HubHost(new Dictionary<string, string?>
        {
            ["EdgeAccess:Bootstrap:AdminUsername"] = "weak.admin",
            ["EdgeAccess:Bootstrap:AdminPassword"] = "short",
        });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => bad.InitializeAsync().WithTimeout(TimeSpan.FromSeconds(90)));

        Assert.Contains("EdgeAccess:Bootstrap", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>The hub never loses its last active admin.</summary>
public sealed class LastAdminTests(BootstrapHub hub) : IClassFixture<BootstrapHub>
{
    [Fact]
    public async Task UpdateOrDeleteUser_LastActiveAdmin_FailedPrecondition()
    {
        var root = AuthHub.Bearer((await hub.LoginAsync(BootstrapHub.Username, BootstrapHub.Password)).AccessToken);
        var rootId = (await hub.Auth.WhoAmIAsync(new WhoAmIRequest(), root).ResponseAsync.WithTimeout()).UserId;
        var otherId = (await hub.Auth.WhoAmIAsync(new WhoAmIRequest(), hub.Admin).ResponseAsync.WithTimeout()).UserId;
        await hub.Users.UpdateUserAsync(new UpdateUserRequest
        {
            User = new UserAccount { Id = otherId, Active = false },
            UpdateMask = new FieldMask { Paths = { "active" } },
        }, root).ResponseAsync.WithTimeout();

        var demote = await AuthAssert.FailsWith(StatusCode.FailedPrecondition, () => hub.Users.UpdateUserAsync(new UpdateUserRequest
        {
            User = new UserAccount { Id = rootId, Role = Role.Operator },
            UpdateMask = new FieldMask { Paths = { "role" } },
        }, root).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.FailedPrecondition, () => hub.Users.UpdateUserAsync(new UpdateUserRequest
        {
            User = new UserAccount { Id = rootId, Active = false },
            UpdateMask = new FieldMask { Paths = { "active" } },
        }, root).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.FailedPrecondition, () => hub.Users.DeleteUserAsync(new DeleteUserRequest { Id = rootId }, root).ResponseAsync);

        Assert.Contains("last active admin", demote.Status.Detail, StringComparison.Ordinal);
        var me = await hub.Auth.WhoAmIAsync(new WhoAmIRequest(), root).ResponseAsync.WithTimeout();
        Assert.Equal(Role.Admin, me.Role);
        await hub.Users.UpdateUserAsync(new UpdateUserRequest
        {
            User = new UserAccount { Id = otherId, Active = true },
            UpdateMask = new FieldMask { Paths = { "active" } },
        }, root).ResponseAsync.WithTimeout();
        await hub.Users.DeleteUserAsync(new DeleteUserRequest { Id = rootId }, root).ResponseAsync.WithTimeout();
    }
}
