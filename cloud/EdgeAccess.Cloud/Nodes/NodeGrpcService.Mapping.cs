using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Nodes;

internal sealed partial class NodeGrpcService
{
    /// <summary>The API form of a node: never any hash.</summary>
    internal static Node ToProto(Stored.Node node) => new()
    {
        Id = node.Id,
        SiteId = node.SiteId.ToString(),
        Description = node.Description ?? "",
        Status = node.Status switch
        {
            Stored.NodeStatus.Pending => NodeStatus.Pending,
            Stored.NodeStatus.Active => NodeStatus.Active,
            _ => NodeStatus.Revoked,
        },
        EnrollmentExpireTime = AdminFields.ToTimestamp(node.EnrollmentCodeHash is null ? null : node.EnrollmentExpires),
        EnrollTime = AdminFields.ToTimestamp(node.EnrolledAt),
        RevokeTime = AdminFields.ToTimestamp(node.RevokedAt),
        LastSeenTime = AdminFields.ToTimestamp(node.LastSeenAt),
        TokenIssueTime = AdminFields.ToTimestamp(node.TokenIssuedAt),
        Etag = Validate.ToEtag(node.Version),
        CreateTime = AdminFields.ToTimestamp(node.CreatedAt),
        UpdateTime = AdminFields.ToTimestamp(node.UpdatedAt),
    };

    /// <summary>The API form of <paramref name="nodes"/> with their sync status, read in one query.</summary>
    private async Task<List<Node>> WithStatusAsync(List<Stored.Node> nodes, CancellationToken cancellationToken)
    {
        var statuses = await status.ReadAsync(nodes.ConvertAll(n => n.Id), cancellationToken);
        return nodes.ConvertAll(n =>
        {
            var node = ToProto(n);
            status.Fill(node, statuses.GetValueOrDefault(n.Id));
            return node;
        });
    }

    private static Stored.NodeStatus FromProto(NodeStatus status) => status switch
    {
        NodeStatus.Pending => Stored.NodeStatus.Pending,
        NodeStatus.Active => Stored.NodeStatus.Active,
        NodeStatus.Revoked => Stored.NodeStatus.Revoked,
        _ => throw ApiErrors.Invalid("status", "is not a known node status"),
    };
}
