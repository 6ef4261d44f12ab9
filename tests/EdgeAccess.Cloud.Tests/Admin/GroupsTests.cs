using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

/// <summary><c>edgeaccess.v1.GroupService</c> and <c>MembershipService</c> over real gRPC.</summary>
public sealed partial class GroupsTests(PeopleHub hub) : IClassFixture<PeopleHub>
{
    [Fact]
    public async Task CreateGroup_ThenGet_ActiveByDefaultWithFirstEtag()
    {
        var name = PeopleHub.Unique("Physics");

        var created = await hub.Groups.CreateGroupAsync(new CreateGroupRequest { Group = new Group { Name = name, Description = "Lab staff" } }, hub.Admin).WithTimeout();
        var read = await hub.Groups.GetGroupAsync(new GetGroupRequest { Id = created.Id }, hub.Operator).WithTimeout();

        Assert.Equal(created, read);
        Assert.Equal(name, created.Name);
        Assert.Equal("Lab staff", created.Description);
        Assert.True(created.Active);
        Assert.Equal("1", created.Etag);
        Assert.Empty(created.ParentIds);
    }

    [Theory]
    [InlineData("", "group.name: is required")]
    [InlineData("   ", "group.name: is required")]
    [InlineData("Tab\tName", "group.name: must not contain control characters")]
    public async Task CreateGroup_BadName_InvalidArgumentNamingIt(string name, string detail)
    {
        await hub.Groups.CreateGroupAsync(new CreateGroupRequest { Group = new Group { Name = name } }, hub.Admin).FailsWith(StatusCode.InvalidArgument, detail);
    }

    [Fact]
    public async Task CreateOrRenameGroup_DuplicateName_AlreadyExists()
    {
        var first = await hub.NewGroupAsync();
        var second = await hub.NewGroupAsync();

        await hub.Groups.CreateGroupAsync(new CreateGroupRequest { Group = new Group { Name = first.Name } }, hub.Admin).FailsWith(StatusCode.AlreadyExists, first.Name);
        await hub.Groups.UpdateGroupAsync(new UpdateGroupRequest { Group = new Group { Id = second.Id, Name = first.Name } }, hub.Admin).FailsWith(StatusCode.AlreadyExists);
    }

    [Fact]
    public async Task CreateGroup_SameRequestIdTwice_OneRow_OtherBody_AlreadyExists()
    {
        var request = new CreateGroupRequest { RequestId = Guid.NewGuid().ToString(), Group = new Group { Name = PeopleHub.Unique("Idem") } };

        var first = await hub.Groups.CreateGroupAsync(request, hub.Admin).WithTimeout();
        var second = await hub.Groups.CreateGroupAsync(request, hub.Admin).WithTimeout();
        request.Group.Description = "changed";
        await hub.Groups.CreateGroupAsync(request, hub.Admin).FailsWith(StatusCode.AlreadyExists, "request_id");

        Assert.Equal(first, second);
        Assert.Equal(1, await hub.CountAsync<Stored.Group>(g => g.Name == request.Group.Name));
    }

    [Fact]
    public async Task UpdateGroup_MaskedActive_StaleEtagFails()
    {
        var group = await hub.NewGroupAsync();

        var updated = await hub.Groups.UpdateGroupAsync(new UpdateGroupRequest
        {
            Group = new Group { Id = group.Id, Etag = group.Etag, Active = false, Name = "ignored" },
            UpdateMask = new FieldMask { Paths = { "active" } },
        }, hub.Admin).WithTimeout();
        await hub.Groups.UpdateGroupAsync(new UpdateGroupRequest { Group = new Group { Id = group.Id, Etag = group.Etag, Name = "late" } }, hub.Admin)
            .FailsWith(StatusCode.FailedPrecondition, "etag");

        Assert.False(updated.Active);
        Assert.Equal(group.Name, updated.Name);
        Assert.Equal("2", updated.Etag);
    }

    [Fact]
    public async Task ListGroups_NameFilterActiveAndParent_AcrossPages()
    {
        var tag = PeopleHub.Unique("Dept").Replace(' ', '_');
        var parent = await hub.NewGroupAsync($"{tag} parent");
        var children = new List<Group>();
        for (var i = 0; i < 3; i++)
        {
            children.Add(await hub.NestAsync(parent.Id, (await hub.NewGroupAsync($"{tag} child {i}", active: i != 1)).Id));
        }

        var seen = new List<Group>();
        var token = "";
        do
        {
            var page = await hub.Groups.ListGroupsAsync(new ListGroupsRequest { NameContains = tag, PageSize = 3, PageToken = token }, hub.Auditor).WithTimeout();
            seen.AddRange(page.Groups);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        var nested = await hub.Groups.ListGroupsAsync(new ListGroupsRequest { ParentId = parent.Id, Active = true }, hub.Auditor).WithTimeout();

        Assert.Equal(4, seen.Count);
        Assert.Equal(children.Select(c => c.Id).Order(), seen.Single(g => g.Id == parent.Id).ChildIds);
        Assert.Equal(new[] { children[0].Id, children[2].Id }.Order(), nested.Groups.Select(g => g.Id));
        Assert.All(nested.Groups, g => Assert.Equal([parent.Id], g.ParentIds));
    }

    [Fact]
    public async Task DeleteGroup_RemovesMembershipsAndNestings_OperatorDenied()
    {
        var parent = await hub.NewGroupAsync();
        var group = await hub.NewGroupAsync();
        var person = await hub.NewPersonAsync();
        await hub.NewMembershipAsync(person.Id, group.Id);
        await hub.NestAsync(parent.Id, group.Id);

        await hub.Groups.DeleteGroupAsync(new DeleteGroupRequest { Id = group.Id }, hub.Operator).FailsWith(StatusCode.PermissionDenied);
        await hub.Groups.DeleteGroupAsync(new DeleteGroupRequest { Id = group.Id, Etag = group.Etag }, hub.Admin).WithTimeout();

        await hub.Groups.GetGroupAsync(new GetGroupRequest { Id = group.Id }, hub.Admin).FailsWith(StatusCode.NotFound);
        Assert.Empty((await hub.Groups.GetGroupAsync(new GetGroupRequest { Id = parent.Id }, hub.Admin).WithTimeout()).ChildIds);
        Assert.Equal(0, await hub.CountAsync<Stored.Membership>(m => m.GroupId == Guid.Parse(group.Id)));
        var deletions = await hub.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "Membership" && a.Action == "delete").Select(a => a.Before!).ToListAsync());
        Assert.Single(deletions, before => before.Contains(group.Id, StringComparison.Ordinal));
    }
}
