using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Nodes.Commands;
using EdgeAccess.Cloud.Nodes.Health;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Nodes;

/// <summary>
/// <c>edgeaccess.v1.NodeService</c>: the node registry. Admins create nodes, issue enrollment codes
/// and revoke; operators read, with each node's sync status. A code is returned once and stored
/// only as its SHA-256. Admins and operators queue commands for nodes (<c>NodeGrpcService.Commands.cs</c>).
/// </summary>
internal sealed partial class NodeGrpcService(
    HubDbContext db,
    HubChanges changes,
    Idempotency idempotency,
    NodeStatusReader status,
    NodeCommandStore commands,
    TimeProvider time,
    IOptionsMonitor<NodeOptions> options,
    ILogger<NodeGrpcService> logger)
    : NodeService.ServiceBase
{
    internal const string Kind = "node";

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<NodeEnrollment> CreateNode(CreateNodeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = NodeId(request.NodeId);
        var siteId = Validate.Id(request.SiteId, "site_id");
        var description = Validate.OptionalText(request.Description, "description", 500);

        // The code must never be stored in clear, so the idempotency record keeps the node only: a
        // retry with the same request_id answers the node without a code (use IssueEnrollmentCode).
        string? code = null;
        var node = await idempotency.CreateAsync(db, caller, request.RequestId, request, Node.Parser, async () =>
        {
            if (!await db.Sites.AnyAsync(s => s.Id == siteId, ct))
            {
                throw ApiErrors.Invalid("site_id", $"site {siteId} does not exist");
            }

            if (await db.Nodes.AnyAsync(n => n.Id == id, ct))
            {
                throw ApiErrors.AlreadyExists($"a node with id \"{id}\" already exists");
            }

            var stored = new Stored.Node { Id = id, SiteId = siteId, Description = description, Status = Stored.NodeStatus.Pending };
            code = NewCode(stored);
            db.Nodes.Add(stored);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), Kind, ct);
            NodeLog.Created(logger, caller.Username, id, siteId);
            return ToProto(stored);
        }, ct);
        return new NodeEnrollment { Node = node, EnrollmentCode = code ?? "" };
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator)]
    public override async Task<Node> GetNode(GetNodeRequest request, ServerCallContext context)
    {
        var id = NodeId(request.NodeId);
        var node = await db.Nodes.AsNoTracking().SingleOrDefaultAsync(n => n.Id == id, context.CancellationToken)
            ?? throw ApiErrors.NotFound(Kind, id);
        return (await WithStatusAsync([node], context.CancellationToken))[0];
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator)]
    public override async Task<ListNodesResponse> ListNodes(ListNodesRequest request, ServerCallContext context)
    {
        var siteId = Validate.OptionalId(request.SiteId, "site_id");
        Stored.NodeStatus? status = request.Status == NodeStatus.Unspecified ? null : FromProto(request.Status);
        var fingerprint = $"nodes|{siteId}|{status}";
        var (after, size) = NodePage.From(request.PageSize, request.PageToken, fingerprint);
        var query = db.Nodes.AsNoTracking();
        if (siteId is { } site)
        {
            query = query.Where(n => n.SiteId == site);
        }

        if (status is { } s)
        {
            query = query.Where(n => n.Status == s);
        }

        if (after is not null)
        {
            // Keyset on the id: ORDER BY and ">" use the same collation, so pages neither skip nor repeat.
            query = query.Where(n => string.Compare(n.Id, after) > 0);
        }

        var nodes = await query.OrderBy(n => n.Id).Take(size + 1).ToListAsync(context.CancellationToken);
        var response = new ListNodesResponse { NextPageToken = NodePage.NextToken(nodes, size, fingerprint) };
        response.Nodes.AddRange(await WithStatusAsync(nodes, context.CancellationToken));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<NodeEnrollment> IssueEnrollmentCode(IssueEnrollmentCodeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = NodeId(request.NodeId);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var node = await LockAsync(id, ct);
        if (node.Status == Stored.NodeStatus.Revoked)
        {
            throw ApiErrors.FailedPrecondition($"node {id} is revoked; create a new node to enroll this device again");
        }

        // Re-enrollment: the node is pending again and every credential it had stops working.
        var code = NewCode(node);
        node.Status = Stored.NodeStatus.Pending;
        node.TokenHash = null;
        node.TokenIssuedAt = null;
        node.PreviousTokenHash = null;
        node.PreviousExpires = null;
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), Kind, ct);
        await transaction.CommitAsync(ct);
        NodeLog.CodeIssued(logger, caller.Username, id);
        return new NodeEnrollment { Node = ToProto(node), EnrollmentCode = code };
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Node> RevokeNode(RevokeNodeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = NodeId(request.NodeId);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var node = await LockAsync(id, ct);
        if (node.Status != Stored.NodeStatus.Revoked)
        {
            node.Status = Stored.NodeStatus.Revoked;
            node.RevokedAt = time.GetUtcNow();
            node.EnrollmentCodeHash = null;
            node.EnrollmentExpires = null;
            node.TokenHash = null;
            node.PreviousTokenHash = null;
            node.PreviousExpires = null;
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), Kind, ct);
            NodeLog.Revoked(logger, caller.Username, id);
        }

        await transaction.CommitAsync(ct);
        return ToProto(node);
    }

    /// <summary>Checks a node id field: 3 to 63 characters of <c>[a-z0-9-]</c>.</summary>
    internal static string NodeId(string value, string field = "node_id") =>
        string.IsNullOrEmpty(value) ? throw ApiErrors.Invalid(field, "is required")
        : NodeSecrets.IsValidNodeId(value) ? value
        : throw ApiErrors.Invalid(field, "must be 3 to 63 lowercase letters, digits or '-'");

    // The row lock orders an admin change against a concurrent enrollment or rotation of the node.
    private async Task<Stored.Node> LockAsync(string id, CancellationToken ct) =>
        (await db.Nodes.FromSql($"SELECT * FROM nodes WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault()
        ?? throw ApiErrors.NotFound(Kind, id);

    private string NewCode(Stored.Node node)
    {
        var code = NodeSecrets.NewEnrollmentCode();
        node.EnrollmentCodeHash = NodeSecrets.Hash(NodeSecrets.NormalizeCode(code)!);
        node.EnrollmentExpires = time.GetUtcNow() + options.CurrentValue.EnrollmentCodeLifetime;
        node.FailedEnrollments = 0;
        node.EnrollmentLockedUntil = null;
        return code;
    }
}
