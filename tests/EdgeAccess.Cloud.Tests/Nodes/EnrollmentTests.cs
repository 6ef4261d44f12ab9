using System.Text.RegularExpressions;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Nodes;

/// <summary>One-time enrollment: the code works once, failures all look alike, and secrets stay out of logs and audit.</summary>
public sealed partial class EnrollmentTests(NodeHub hub) : IClassFixture<NodeHub>
{
    private const string InvalidCode = "invalid or expired enrollment code";

    [Fact]
    public async Task Enroll_WithIssuedCode_TokenAuthenticatesAndNodeActive()
    {
        var siteId = await hub.NewSiteAsync("Asia/Tokyo");
        var created = await hub.NewNodeAsync(siteId);
        Assert.Matches(CodeFormat(), created.EnrollmentCode);
        Assert.Equal(NodeStatus.Pending, created.Node.Status);

        // Typed by a person: lower case, without the dashes.
        var enrolled = await hub.EnrollAsync(created.Node.Id, created.EnrollmentCode.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());
        var identity = await hub.AuthenticateAsync(enrolled.NodeToken);
        var node = await hub.Nodes.GetNodeAsync(new GetNodeRequest { NodeId = created.Node.Id }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.StartsWith($"node.{created.Node.Id}.", enrolled.NodeToken, StringComparison.Ordinal);
        Assert.Equal(siteId, enrolled.SiteId);
        Assert.Equal("Asia/Tokyo", enrolled.SiteTimeZone);
        Assert.Equal(new Cloud.Nodes.NodeIdentity(created.Node.Id, Guid.Parse(siteId), false), identity);
        Assert.Equal(NodeStatus.Active, node.Status);
        Assert.Null(node.EnrollmentExpireTime);
        Assert.NotNull(node.EnrollTime);
        Assert.NotNull(node.LastSeenTime);
    }

    [Fact]
    public async Task Enroll_CodeUsedTwice_SecondUnauthenticatedAndFirstTokenStillWorks()
    {
        var created = await hub.NewNodeAsync();
        var first = await hub.EnrollAsync(created.Node.Id, created.EnrollmentCode);

        var error = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.EnrollAsync(created.Node.Id, created.EnrollmentCode));

        Assert.Equal(InvalidCode, error.Status.Detail);
        Assert.NotNull(await hub.AuthenticateAsync(first.NodeToken));
    }

    [Fact]
    public async Task Enroll_WrongUnknownOrExpiredCode_SameUnauthenticatedMessage_NoSecretsInLogsOrAudit()
    {
        var created = await hub.NewNodeAsync();
        var other = await hub.NewNodeAsync();
        var wrong = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.EnrollAsync(created.Node.Id, other.EnrollmentCode));
        var garbage = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.EnrollAsync(created.Node.Id, "not-a-code"));
        var unknown = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.EnrollAsync(NodeHub.NewNodeId("ghost"), created.EnrollmentCode));

        hub.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var expired = await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.EnrollAsync(created.Node.Id, created.EnrollmentCode));

        Assert.All(new[] { wrong, garbage, unknown, expired }, e => Assert.Equal(InvalidCode, e.Status.Detail));
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.EnrollAsync(other.Node.Id, other.EnrollmentCode)); // expired too

        var reissued = await hub.Nodes.IssueEnrollmentCodeAsync(new IssueEnrollmentCodeRequest { NodeId = created.Node.Id }, hub.Admin).ResponseAsync.WithTimeout();
        var token = (await hub.EnrollAsync(created.Node.Id, reissued.EnrollmentCode)).NodeToken;
        var secret = token[(token.LastIndexOf('.') + 1)..];
        var logs = string.Join("\n", hub.Logs.Entries.Select(e => e.Text));
        var audit = await hub.AuditTextAsync(created.Node.Id);
        Assert.Contains("enrollment_code_set", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", audit, StringComparison.Ordinal);
        Assert.Contains(created.Node.Id, logs, StringComparison.Ordinal);
        foreach (var code in new[] { created.EnrollmentCode, other.EnrollmentCode, reissued.EnrollmentCode })
        {
            Assert.DoesNotContain(code, logs, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(code.Replace("-", "", StringComparison.Ordinal), logs, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(code.Replace("-", "", StringComparison.Ordinal), audit, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_RepeatedFailures_LockedEvenForRightCodeUntilLockEnds()
    {
        var created = await hub.NewNodeAsync();
        for (var i = 0; i < 5; i++)
        {
            await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.EnrollAsync(created.Node.Id, "0000-0000-0000-0000-0000-0000-00"));
        }

        await AuthAssert.FailsWith(StatusCode.ResourceExhausted, () => hub.EnrollAsync(created.Node.Id, created.EnrollmentCode));
        hub.Clock.Advance(TimeSpan.FromMinutes(15));

        var enrolled = await hub.EnrollAsync(created.Node.Id, created.EnrollmentCode);
        Assert.NotNull(await hub.AuthenticateAsync(enrolled.NodeToken));
        Assert.Equal(0, (await hub.RowAsync(created.Node.Id)).FailedEnrollments);
    }

    [Fact]
    public async Task IssueEnrollmentCode_AfterEnrollment_OldTokenAndCodeRejected_NewCodeEnrolls()
    {
        var created = await hub.NewNodeAsync();
        var first = await hub.EnrollAsync(created.Node.Id, created.EnrollmentCode);

        var reissued = await hub.Nodes.IssueEnrollmentCodeAsync(new IssueEnrollmentCodeRequest { NodeId = created.Node.Id }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(NodeStatus.Pending, reissued.Node.Status);
        Assert.NotEqual(created.EnrollmentCode, reissued.EnrollmentCode);
        Assert.Null(await hub.AuthenticateAsync(first.NodeToken));
        await AuthAssert.FailsWith(StatusCode.Unauthenticated, () => hub.EnrollAsync(created.Node.Id, created.EnrollmentCode));
        var second = await hub.EnrollAsync(created.Node.Id, reissued.EnrollmentCode);
        Assert.NotNull(await hub.AuthenticateAsync(second.NodeToken));
        Assert.Null(await hub.AuthenticateAsync(first.NodeToken));
    }

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}-[0-9A-HJKMNP-TV-Z]{2}$")]
    private static partial Regex CodeFormat();
}
