using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Nodes;

/// <summary>
/// <c>edgeaccess.v1.EnrollmentService</c>, called by edge nodes. Both RPCs are anonymous to the auth
/// interceptor (no user bearer token): the enrollment code, respectively the node token in
/// <c>authorization: Node &lt;token&gt;</c>, is the credential, checked here against the node's row
/// under a row lock, so a code works exactly once and a revocation wins every race.
/// </summary>
internal sealed class EnrollmentGrpcService(
    HubDbContext db, HubChanges changes, TimeProvider time, IOptionsMonitor<NodeOptions> options, ILogger<EnrollmentGrpcService> logger)
    : EnrollmentService.ServiceBase
{
    /// <summary>The one answer to every wrong, used, expired or unknown code, so none can be told apart.</summary>
    internal const string InvalidCode = "invalid or expired enrollment code";

    private const string InvalidToken = "invalid or expired node token: send \"authorization: Node <token>\" or enroll again";

    /// <inheritdoc />
    [Anonymous]
    public override async Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = NodeGrpcService.NodeId(request.NodeId);
        if (string.IsNullOrEmpty(request.EnrollmentCode))
        {
            throw ApiErrors.Invalid("enrollment_code", "is required");
        }

        var code = NodeSecrets.NormalizeCode(request.EnrollmentCode);
        var settings = options.CurrentValue;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var node = await LockAsync(id, ct);
        var now = time.GetUtcNow();
        if (node is null)
        {
            NodeLog.EnrollmentFailed(logger, id, "unknown node", 0);
            throw new RpcException(new Status(StatusCode.Unauthenticated, InvalidCode));
        }

        if (node.Status == Stored.NodeStatus.Revoked)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"node {id} is revoked"));
        }

        if (node.EnrollmentLockedUntil > now)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"too many failed enrollments for node {id}; retry after {node.EnrollmentLockedUntil:O}"));
        }

        var valid = NodeSecrets.Matches(node.EnrollmentCodeHash, NodeSecrets.Hash(code ?? "")) && node.EnrollmentExpires > now;
        if (!valid)
        {
            // Bookkeeping, not an admin change: saved without the audit trail, then refused.
            node.FailedEnrollments++;
            if (node.FailedEnrollments % settings.EnrollmentFailureThreshold == 0)
            {
                node.EnrollmentLockedUntil = now + settings.EnrollmentLockout;
                NodeLog.EnrollmentLocked(logger, id, node.EnrollmentLockedUntil.Value);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            NodeLog.EnrollmentFailed(logger, id, node.EnrollmentCodeHash is null ? "no code outstanding" : "wrong or expired code", node.FailedEnrollments);
            throw new RpcException(new Status(StatusCode.Unauthenticated, InvalidCode));
        }

        var token = NodeSecrets.NewToken(id);
        node.Status = Stored.NodeStatus.Active;
        node.EnrollmentCodeHash = null;
        node.EnrollmentExpires = null;
        node.FailedEnrollments = 0;
        node.EnrollmentLockedUntil = null;
        node.TokenHash = NodeSecrets.Hash(token);
        node.TokenIssuedAt = now;
        node.PreviousTokenHash = null;
        node.PreviousExpires = null;
        node.EnrolledAt = now;
        await AdminWrites.SaveAsync(changes, db, Actor(id), NodeGrpcService.Kind, ct);
        var zone = await db.Sites.Where(s => s.Id == node.SiteId).Select(s => s.TimeZone).SingleAsync(ct);
        await transaction.CommitAsync(ct);
        NodeLog.Enrolled(logger, id);
        return new EnrollResponse { NodeToken = token, SiteId = node.SiteId.ToString(), SiteTimeZone = zone };
    }

    /// <inheritdoc />
    [Anonymous]
    public override async Task<RotateTokenResponse> RotateToken(RotateTokenRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var id = NodeGrpcService.NodeId(request.NodeId);
        var token = NodeSecrets.FromHeader(context.RequestHeaders.GetValue("authorization"));
        if (token is null || NodeSecrets.NodeIdOf(token) != id)
        {
            NodeLog.AuthenticationFailed(logger, $"node {id}: no node token of this node");
            throw new RpcException(new Status(StatusCode.Unauthenticated, InvalidToken));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var node = await LockAsync(id, ct);
        var now = time.GetUtcNow();
        var match = node is null
            ? NodeAuthenticator.Match.None
            : NodeAuthenticator.Check(node.Status, node.TokenHash, node.PreviousTokenHash, node.PreviousExpires, NodeSecrets.Hash(token), now);
        if (node is null || match == NodeAuthenticator.Match.None)
        {
            NodeLog.AuthenticationFailed(logger, $"node {id}: token not current or node not active");
            throw new RpcException(new Status(StatusCode.Unauthenticated, InvalidToken));
        }

        // Presented the current token: it becomes the previous one for the overlap. Presented the
        // previous one (the answer of the last rotation was lost): that one stays the previous, and
        // the token nobody received is simply replaced.
        if (match == NodeAuthenticator.Match.Current)
        {
            node.PreviousTokenHash = node.TokenHash;
            node.PreviousExpires = now + options.CurrentValue.TokenOverlap;
        }

        var fresh = NodeSecrets.NewToken(id);
        node.TokenHash = NodeSecrets.Hash(fresh);
        node.TokenIssuedAt = now;
        node.LastSeenAt = now;
        await AdminWrites.SaveAsync(changes, db, Actor(id), NodeGrpcService.Kind, ct);
        await transaction.CommitAsync(ct);
        NodeLog.TokenRotated(logger, id);
        return new RotateTokenResponse { NodeToken = fresh, PreviousTokenExpireTime = Admin.Sites.AdminFields.ToTimestamp(node.PreviousExpires) };
    }

    private static ChangeActor Actor(string nodeId) => new(null, $"node:{nodeId}");

    private async Task<Stored.Node?> LockAsync(string id, CancellationToken ct) =>
        (await db.Nodes.FromSql($"SELECT * FROM nodes WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
}
