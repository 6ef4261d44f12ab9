using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Nodes;

/// <summary><c>edgeaccess.v1.NodeService</c>: validation naming fields, listing, idempotent create.</summary>
public sealed class NodeAdminTests(NodeHub hub) : IClassFixture<NodeHub>
{
    [Theory]
    [InlineData("", "node_id: is required")]
    [InlineData("ab", "node_id: must be 3 to 63 lowercase letters, digits or '-'")]
    [InlineData("Door-1", "node_id: must be 3 to 63 lowercase letters, digits or '-'")]
    [InlineData("door_1", "node_id: must be 3 to 63 lowercase letters, digits or '-'")]
    [InlineData("door.1", "node_id: must be 3 to 63 lowercase letters, digits or '-'")]
    public async Task CreateNode_BadNodeId_InvalidArgumentNamingIt(string nodeId, string detail)
    {
        var siteId = await hub.NewSiteAsync();

        var error = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () =>
            hub.Nodes.CreateNodeAsync(new CreateNodeRequest { NodeId = nodeId, SiteId = siteId }, hub.Admin).ResponseAsync);

        Assert.Equal(detail, error.Status.Detail);
    }

    [Fact]
    public async Task CreateNode_UnknownOrMalformedSite_InvalidArgumentNamingSiteId()
    {
        var unknown = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () =>
            hub.Nodes.CreateNodeAsync(new CreateNodeRequest { NodeId = NodeHub.NewNodeId(), SiteId = Guid.NewGuid().ToString() }, hub.Admin).ResponseAsync);
        var malformed = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () =>
            hub.Nodes.CreateNodeAsync(new CreateNodeRequest { NodeId = NodeHub.NewNodeId(), SiteId = "nope" }, hub.Admin).ResponseAsync);

        Assert.StartsWith("site_id: site ", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("site_id: must be a UUID", malformed.Status.Detail);
    }

    [Fact]
    public async Task CreateNode_DuplicateId_AlreadyExists()
    {
        var created = await hub.NewNodeAsync();

        await AuthAssert.FailsWith(StatusCode.AlreadyExists, () =>
            hub.Nodes.CreateNodeAsync(new CreateNodeRequest { NodeId = created.Node.Id, SiteId = created.Node.SiteId }, hub.Admin).ResponseAsync);
    }

    [Fact]
    public async Task CreateNode_SameRequestIdTwice_SameNodeAndCodeOnlyInFirstAnswer()
    {
        var request = new CreateNodeRequest { NodeId = NodeHub.NewNodeId(), SiteId = await hub.NewSiteAsync(), RequestId = Guid.NewGuid().ToString() };

        var first = await hub.Nodes.CreateNodeAsync(request, hub.Admin).ResponseAsync.WithTimeout();
        var second = await hub.Nodes.CreateNodeAsync(request, hub.Admin).ResponseAsync.WithTimeout();

        Assert.Equal(first.Node, second.Node);
        Assert.NotEmpty(first.EnrollmentCode);
        Assert.Empty(second.EnrollmentCode);
        Assert.NotNull(await hub.EnrollAsync(first.Node.Id, first.EnrollmentCode));
    }

    [Fact]
    public async Task ListNodes_FilterBySiteAndStatus_PagesInIdOrder()
    {
        var siteId = await hub.NewSiteAsync();
        var nodes = new List<NodeEnrollment>();
        for (var i = 0; i < 3; i++)
        {
            nodes.Add(await hub.NewNodeAsync(siteId));
        }

        await hub.EnrollAsync(nodes[0].Node.Id, nodes[0].EnrollmentCode);
        var operatorCall = await hub.SignInAsync(UserRole.Operator);

        var page1 = await hub.Nodes.ListNodesAsync(new ListNodesRequest { SiteId = siteId, PageSize = 2 }, operatorCall).ResponseAsync.WithTimeout();
        var page2 = await hub.Nodes.ListNodesAsync(new ListNodesRequest { SiteId = siteId, PageSize = 2, PageToken = page1.NextPageToken }, operatorCall).ResponseAsync.WithTimeout();
        var pending = await hub.Nodes.ListNodesAsync(new ListNodesRequest { SiteId = siteId, Status = NodeStatus.Pending }, operatorCall).ResponseAsync.WithTimeout();

        Assert.Equal(nodes.Select(n => n.Node.Id).Order(StringComparer.Ordinal), page1.Nodes.Concat(page2.Nodes).Select(n => n.Id));
        Assert.Empty(page2.NextPageToken);
        Assert.Equal(nodes.Skip(1).Select(n => n.Node.Id).Order(StringComparer.Ordinal), pending.Nodes.Select(n => n.Id));
        await AuthAssert.FailsWith(StatusCode.InvalidArgument, () =>
            hub.Nodes.ListNodesAsync(new ListNodesRequest { SiteId = siteId, Status = NodeStatus.Active, PageToken = page1.NextPageToken }, operatorCall).ResponseAsync);
    }
}
