using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

public sealed partial class GroupsTests
{
    [Fact]
    public async Task AddNesting_ClosingACycle_InvalidArgumentNamingChildWithPath_NothingWritten()
    {
        var a = await hub.NewGroupAsync(PeopleHub.Unique("A"));
        var b = await hub.NewGroupAsync(PeopleHub.Unique("B"));
        var c = await hub.NewGroupAsync(PeopleHub.Unique("C"));
        await hub.NestAsync(b.Id, a.Id);
        await hub.NestAsync(c.Id, b.Id);
        var nestings = await hub.CountAsync<Stored.GroupNesting>(_ => true);
        var audits = await hub.CountAsync<Stored.AuditEntry>(_ => true);

        var error = await hub.Groups.AddNestingAsync(new AddNestingRequest { ParentGroupId = a.Id, ChildGroupId = c.Id }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "child_group_id: ");

        Assert.Contains($"\"{c.Name}\" ⊂ \"{a.Name}\" ⊂ \"{b.Name}\" ⊂ \"{c.Name}\"", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(nestings, await hub.CountAsync<Stored.GroupNesting>(_ => true));
        Assert.Equal(audits, await hub.CountAsync<Stored.AuditEntry>(_ => true));
    }

    [Fact]
    public async Task AddNesting_SelfDuplicateOrUnknown_RefusedWithRightStatus()
    {
        var parent = await hub.NewGroupAsync();
        var child = await hub.NewGroupAsync();
        var nested = await hub.NestAsync(parent.Id, child.Id);

        Assert.Equal([parent.Id], nested.ParentIds);
        await hub.Groups.AddNestingAsync(new AddNestingRequest { ParentGroupId = parent.Id, ChildGroupId = parent.Id }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "child_group_id: a group cannot be nested in itself");
        await hub.Groups.AddNestingAsync(new AddNestingRequest { ParentGroupId = parent.Id, ChildGroupId = child.Id }, hub.Admin)
            .FailsWith(StatusCode.AlreadyExists, "already nested");
        await hub.Groups.AddNestingAsync(new AddNestingRequest { ParentGroupId = parent.Id, ChildGroupId = Guid.NewGuid().ToString() }, hub.Admin)
            .FailsWith(StatusCode.NotFound);
        await hub.Groups.AddNestingAsync(new AddNestingRequest { ParentGroupId = "x", ChildGroupId = child.Id }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "parent_group_id");
        await hub.Groups.AddNestingAsync(new AddNestingRequest { ParentGroupId = child.Id, ChildGroupId = parent.Id }, hub.Operator)
            .FailsWith(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task RemoveNesting_ThenAgain_NotFound()
    {
        var parent = await hub.NewGroupAsync();
        var child = await hub.NewGroupAsync();
        await hub.NestAsync(parent.Id, child.Id);

        var removed = await hub.Groups.RemoveNestingAsync(new RemoveNestingRequest { ParentGroupId = parent.Id, ChildGroupId = child.Id }, hub.Admin).WithTimeout();

        Assert.Empty(removed.ParentIds);
        await hub.Groups.RemoveNestingAsync(new RemoveNestingRequest { ParentGroupId = parent.Id, ChildGroupId = child.Id }, hub.Admin).FailsWith(StatusCode.NotFound);
    }

    [Fact]
    public async Task ListMembers_Transitive_IncludesNestedActiveGroupsWithValidity()
    {
        // top ⊃ middle ⊃ bottom; top ⊃ dormant (inactive, passes nothing on).
        var top = await hub.NewGroupAsync();
        var middle = await hub.NewGroupAsync();
        var bottom = await hub.NewGroupAsync();
        var dormant = await hub.NewGroupAsync(active: false);
        await hub.NestAsync(top.Id, middle.Id);
        await hub.NestAsync(middle.Id, bottom.Id);
        await hub.NestAsync(top.Id, dormant.Id);
        var direct = await hub.NewMembershipAsync((await hub.NewPersonAsync()).Id, top.Id);
        var viaMiddle = await hub.NewMembershipAsync((await hub.NewPersonAsync()).Id, middle.Id);
        var expired = await hub.Memberships.CreateMembershipAsync(new CreateMembershipRequest
        {
            Membership = new Membership
            {
                PersonId = (await hub.NewPersonAsync()).Id,
                GroupId = bottom.Id,
                ValidFrom = Timestamp.FromDateTimeOffset(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)),
                ValidTo = Timestamp.FromDateTimeOffset(new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            },
        }, hub.Admin).WithTimeout();
        await hub.NewMembershipAsync((await hub.NewPersonAsync()).Id, dormant.Id);

        var directOnly = await hub.Groups.ListMembersAsync(new ListMembersRequest { GroupId = top.Id }, hub.Auditor).WithTimeout();
        var all = new List<GroupMember>();
        var token = "";
        do
        {
            var page = await hub.Groups.ListMembersAsync(new ListMembersRequest { GroupId = top.Id, Transitive = true, PageSize = 2, PageToken = token }, hub.Operator).WithTimeout();
            all.AddRange(page.Members);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal([direct.Id], directOnly.Members.Select(m => m.Membership.Id));
        Assert.Equal(new[] { direct.Id, viaMiddle.Id, expired.Id }.Order(), all.Select(m => m.Membership.Id));
        Assert.Equal(middle.Name, all.Single(m => m.Membership.Id == viaMiddle.Id).ViaGroupName);
        Assert.False(all.Single(m => m.Membership.Id == expired.Id).ValidNow);
        Assert.True(all.Single(m => m.Membership.Id == direct.Id).ValidNow);
        Assert.All(all, m => Assert.True(m.PersonActive));
    }
}
