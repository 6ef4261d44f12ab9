using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Nodes;

/// <summary>Node tokens after enrollment: revocation, rotation with overlap, last-seen bookkeeping.</summary>
public sealed class NodeCredentialTests(NodeHub hub) : IClassFixture<NodeHub>
{
    [Fact]
    public async Task RevokeNode_AuthenticatorRejectsAtOnce_EnrollPermissionDenied_ReissueRefused()
    {
        var (nodeId, token) = await hub.NewEnrolledNodeAsync();
        Assert.NotNull(await hub.AuthenticateAsync(token));

        var revoked = await hub.Nodes.RevokeNodeAsync(new RevokeNodeRequest { NodeId = nodeId }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(NodeStatus.Revoked, revoked.Status);
        Assert.NotNull(revoked.RevokeTime);
        Assert.Null(await hub.AuthenticateAsync(token));
        await AuthAssert.FailsWith(StatusCode.PermissionDenied, () => hub.EnrollAsync(nodeId, "0000-0000-0000-0000-0000-0000-00"));
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () =>
            hub.Enrollment.RotateTokenAsync(new RotateTokenRequest { NodeId = nodeId }, NodeHub.NodeAuth(token)).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.FailedPrecondition, () =>
            hub.Nodes.IssueEnrollmentCodeAsync(new IssueEnrollmentCodeRequest { NodeId = nodeId }, hub.Admin).ResponseAsync);
        var row = await hub.RowAsync(nodeId);
        Assert.Null(row.TokenHash);
        Assert.Null(row.EnrollmentCodeHash);
    }

    [Fact]
    public async Task RotateToken_OldTokenValidForOverlapOnly_NewTokenStays()
    {
        var (nodeId, old) = await hub.NewEnrolledNodeAsync();

        var rotated = await hub.Enrollment.RotateTokenAsync(new RotateTokenRequest { NodeId = nodeId }, NodeHub.NodeAuth(old)).ResponseAsync.WithTimeout();

        Assert.NotEqual(old, rotated.NodeToken);
        Assert.Equal(hub.Clock.GetUtcNow().AddMinutes(10), rotated.PreviousTokenExpireTime.ToDateTimeOffset());
        Assert.Equal(new Cloud.Nodes.NodeIdentity(nodeId, (await hub.RowAsync(nodeId)).SiteId, true), await hub.AuthenticateAsync(old));
        Assert.NotNull(await hub.AuthenticateAsync(rotated.NodeToken));

        hub.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Null(await hub.AuthenticateAsync(old));
        Assert.NotNull(await hub.AuthenticateAsync(rotated.NodeToken));
    }

    [Fact]
    public async Task RotateToken_AnswerLostRetryWithOldToken_OldStillValidAndLostTokenReplaced()
    {
        var (nodeId, old) = await hub.NewEnrolledNodeAsync();
        var lost = await hub.Enrollment.RotateTokenAsync(new RotateTokenRequest { NodeId = nodeId }, NodeHub.NodeAuth(old)).ResponseAsync.WithTimeout();

        var retried = await hub.Enrollment.RotateTokenAsync(new RotateTokenRequest { NodeId = nodeId }, NodeHub.NodeAuth(old)).ResponseAsync.WithTimeout();

        Assert.Null(await hub.AuthenticateAsync(lost.NodeToken));
        Assert.NotNull(await hub.AuthenticateAsync(retried.NodeToken));
        Assert.NotNull(await hub.AuthenticateAsync(old));
    }

    [Fact]
    public async Task RotateToken_WithoutNodeTokenOrOtherNodesToken_Unauthenticated()
    {
        var (nodeId, _) = await hub.NewEnrolledNodeAsync();
        var (_, otherToken) = await hub.NewEnrolledNodeAsync();

        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () =>
            hub.Enrollment.RotateTokenAsync(new RotateTokenRequest { NodeId = nodeId }, hub.Admin).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () =>
            hub.Enrollment.RotateTokenAsync(new RotateTokenRequest { NodeId = nodeId }, NodeHub.NodeAuth(otherToken)).ResponseAsync);
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () =>
            hub.Enrollment.RotateTokenAsync(new RotateTokenRequest { NodeId = nodeId }, NodeHub.NodeAuth($"node.{nodeId}.{new string('A', 43)}")).ResponseAsync);
    }

    [Fact]
    public async Task AuthenticateAsync_MalformedHeaders_Null()
    {
        var (_, token) = await hub.NewEnrolledNodeAsync();

        Assert.Null(await hub.Authenticator.AuthenticateAsync($"Bearer {token}", CancellationToken.None).WithTimeout());
        Assert.Null(await hub.Authenticator.AuthenticateAsync("Node ", CancellationToken.None).WithTimeout());
        Assert.Null(await hub.AuthenticateAsync(token + "x"));
        Assert.NotNull(await hub.Authenticator.AuthenticateAsync($"node {token}", CancellationToken.None).WithTimeout());
    }

    [Fact]
    public async Task AuthenticateAsync_Repeatedly_LastSeenWrittenAtMostOncePerMinute()
    {
        var (nodeId, token) = await hub.NewEnrolledNodeAsync();
        hub.Clock.Advance(TimeSpan.FromMinutes(2));
        await hub.AuthenticateAsync(token);
        var first = (await hub.RowAsync(nodeId)).LastSeenAt;

        hub.Clock.Advance(TimeSpan.FromSeconds(30));
        await hub.AuthenticateAsync(token);
        var unchanged = (await hub.RowAsync(nodeId)).LastSeenAt;
        hub.Clock.Advance(TimeSpan.FromSeconds(31));
        await hub.AuthenticateAsync(token);
        var moved = (await hub.RowAsync(nodeId)).LastSeenAt;

        Assert.Equal(hub.Clock.GetUtcNow().AddSeconds(-61), first);
        Assert.Equal(first, unchanged);
        Assert.Equal(hub.Clock.GetUtcNow(), moved);
    }
}
