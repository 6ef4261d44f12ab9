using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

public sealed partial class GroupsTests
{
    [Fact]
    public async Task CreateMembership_ThenDuplicate_AlreadyExists()
    {
        var person = await hub.NewPersonAsync();
        var group = await hub.NewGroupAsync();

        var membership = await hub.NewMembershipAsync(person.Id, group.Id, "Tutor");

        Assert.Equal("Tutor", membership.RoleTitle);
        Assert.Equal(membership, await hub.Memberships.GetMembershipAsync(new GetMembershipRequest { Id = membership.Id }, hub.Auditor).WithTimeout());
        await hub.Memberships.CreateMembershipAsync(new CreateMembershipRequest { Membership = new Membership { PersonId = person.Id, GroupId = group.Id } }, hub.Admin)
            .FailsWith(StatusCode.AlreadyExists, "already a member");
    }

    [Fact]
    public async Task CreateMembership_BadFields_InvalidArgumentNamingThem()
    {
        var person = await hub.NewPersonAsync();
        var group = await hub.NewGroupAsync();
        var at = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        await hub.Memberships.CreateMembershipAsync(new CreateMembershipRequest { Membership = new Membership { PersonId = person.Id, GroupId = Guid.NewGuid().ToString() } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "membership.group_id");
        await hub.Memberships.CreateMembershipAsync(new CreateMembershipRequest { Membership = new Membership { PersonId = "", GroupId = group.Id } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "membership.person_id: is required");
        await hub.Memberships.CreateMembershipAsync(new CreateMembershipRequest { Membership = new Membership { PersonId = person.Id, GroupId = group.Id, ValidFrom = at, ValidTo = at } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "membership.valid_to");
        await hub.Memberships.CreateMembershipAsync(new CreateMembershipRequest { Membership = new Membership { PersonId = person.Id, GroupId = group.Id, RoleTitle = new string('r', 201) } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "membership.role_title");
    }

    [Fact]
    public async Task CreateMembership_SameRequestIdTwice_OneRow()
    {
        var person = await hub.NewPersonAsync();
        var group = await hub.NewGroupAsync();
        var request = new CreateMembershipRequest { RequestId = Guid.NewGuid().ToString(), Membership = new Membership { PersonId = person.Id, GroupId = group.Id } };

        var first = await hub.Memberships.CreateMembershipAsync(request, hub.Admin).WithTimeout();
        var second = await hub.Memberships.CreateMembershipAsync(request, hub.Admin).WithTimeout();

        Assert.Equal(first, second);
        Assert.Equal(1, await hub.CountAsync<Stored.Membership>(m => m.PersonId == Guid.Parse(person.Id)));
    }

    [Fact]
    public async Task UpdateAndDeleteMembership_WithEtags_StaleRefused()
    {
        var membership = await hub.NewMembershipAsync((await hub.NewPersonAsync()).Id, (await hub.NewGroupAsync()).Id);

        var updated = await hub.Memberships.UpdateMembershipAsync(new UpdateMembershipRequest
        {
            Membership = new Membership { Id = membership.Id, Etag = membership.Etag, RoleTitle = "Head" },
            UpdateMask = new FieldMask { Paths = { "role_title" } },
        }, hub.Admin).WithTimeout();
        await hub.Memberships.DeleteMembershipAsync(new DeleteMembershipRequest { Id = membership.Id, Etag = membership.Etag }, hub.Admin)
            .FailsWith(StatusCode.FailedPrecondition);
        await hub.Memberships.DeleteMembershipAsync(new DeleteMembershipRequest { Id = membership.Id, Etag = updated.Etag }, hub.Admin).WithTimeout();

        Assert.Equal("Head", updated.RoleTitle);
        Assert.Equal("2", updated.Etag);
        await hub.Memberships.GetMembershipAsync(new GetMembershipRequest { Id = membership.Id }, hub.Admin).FailsWith(StatusCode.NotFound);
    }

    [Fact]
    public async Task ListMemberships_ByPersonAndGroup_Paged()
    {
        var person = await hub.NewPersonAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await hub.NewMembershipAsync(person.Id, (await hub.NewGroupAsync()).Id)).Id);
        }

        var first = await hub.Memberships.ListMembershipsAsync(new ListMembershipsRequest { PersonId = person.Id, PageSize = 2 }, hub.Operator).WithTimeout();
        var second = await hub.Memberships.ListMembershipsAsync(new ListMembershipsRequest { PersonId = person.Id, PageSize = 2, PageToken = first.NextPageToken }, hub.Operator).WithTimeout();

        Assert.Equal(ids.Order(), first.Memberships.Concat(second.Memberships).Select(m => m.Id));
        Assert.Equal("", second.NextPageToken);
    }
}
