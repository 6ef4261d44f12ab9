using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

public sealed partial class PeopleTests
{
    [Fact]
    public async Task ListPeople_NameFilterAcrossPages_EveryMatchOnceInIdOrder()
    {
        var tag = PeopleHub.Unique("Paged").Replace(' ', '_');
        var created = new List<Person>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await hub.NewPersonAsync($"{tag} {i}"));
        }

        var seen = new List<Person>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await hub.People.ListPeopleAsync(new ListPeopleRequest { NameContains = tag.ToUpperInvariant(), PageSize = 2, PageToken = token }, hub.Operator).WithTimeout();
            Assert.True(page.People.Count <= 2);
            seen.AddRange(page.People);
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(3, pages);
        Assert.Equal(created.Select(p => p.Id).Order(), seen.Select(p => p.Id));
    }

    [Fact]
    public async Task ListPeople_FiltersByEmailExternalIdActiveAndGroup()
    {
        var email = $"{Guid.NewGuid():N}@example.org";
        var external = PeopleHub.Unique("HR");
        var byEmail = await hub.NewPersonAsync(email: email);
        var byExternal = await hub.NewPersonAsync(externalId: external);
        var inactive = await hub.People.CreatePersonAsync(new CreatePersonRequest { Person = new Person { DisplayName = PeopleHub.Unique("Gone"), Active = false } }, hub.Admin).WithTimeout();
        var group = await hub.NewGroupAsync();
        await hub.NewMembershipAsync(byEmail.Id, group.Id);
        await hub.NewMembershipAsync(inactive.Id, group.Id);

        var emailHits = await hub.People.ListPeopleAsync(new ListPeopleRequest { Email = email.ToUpperInvariant() }, hub.Auditor).WithTimeout();
        var externalHits = await hub.People.ListPeopleAsync(new ListPeopleRequest { ExternalId = external }, hub.Auditor).WithTimeout();
        var members = await hub.People.ListPeopleAsync(new ListPeopleRequest { GroupId = group.Id }, hub.Auditor).WithTimeout();
        var activeMembers = await hub.People.ListPeopleAsync(new ListPeopleRequest { GroupId = group.Id, Active = true }, hub.Auditor).WithTimeout();

        Assert.Equal([byEmail.Id], emailHits.People.Select(p => p.Id));
        Assert.Equal([byExternal.Id], externalHits.People.Select(p => p.Id));
        Assert.Equal(new[] { byEmail.Id, inactive.Id }.Order(), members.People.Select(p => p.Id));
        Assert.Equal([byEmail.Id], activeMembers.People.Select(p => p.Id));
    }

    [Fact]
    public async Task ListPeople_TokenOfOtherFilterOrBadPageSize_InvalidArgument()
    {
        var tag = PeopleHub.Unique("Tok");
        await hub.NewPersonAsync($"{tag} 1");
        await hub.NewPersonAsync($"{tag} 2");
        var first = await hub.People.ListPeopleAsync(new ListPeopleRequest { NameContains = tag, PageSize = 1 }, hub.Admin).WithTimeout();

        await hub.People.ListPeopleAsync(new ListPeopleRequest { NameContains = "other", PageSize = 1, PageToken = first.NextPageToken }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "page_token");
        await hub.People.ListPeopleAsync(new ListPeopleRequest { PageSize = 501 }, hub.Admin).FailsWith(StatusCode.InvalidArgument, "page_size");
    }

    [Fact]
    public async Task Roles_OperatorAndAuditorRead_OnlyAdminWrites_MemberOnlyProfile()
    {
        var person = await hub.NewPersonAsync();
        var create = new CreatePersonRequest { Person = new Person { DisplayName = "Nope" } };

        await hub.People.GetPersonAsync(new GetPersonRequest { Id = person.Id }, hub.Operator).WithTimeout();
        await hub.People.CreatePersonAsync(create, hub.Operator).FailsWith(StatusCode.PermissionDenied);
        await hub.People.CreatePersonAsync(create, hub.Auditor).FailsWith(StatusCode.PermissionDenied);
        await hub.People.DeletePersonAsync(new DeletePersonRequest { Id = person.Id }, hub.Auditor).FailsWith(StatusCode.PermissionDenied);
        await hub.People.GetPersonAsync(new GetPersonRequest { Id = person.Id }, hub.Member).FailsWith(StatusCode.PermissionDenied);
        await hub.People.ListPeopleAsync(new ListPeopleRequest(), hub.Member).FailsWith(StatusCode.PermissionDenied);
        await hub.People.GetPersonAsync(new GetPersonRequest { Id = person.Id }).FailsWith(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task GetMyProfile_LinkedMember_OwnPersonCardsLastDigitsAndMemberships()
    {
        var person = await hub.NewPersonAsync();
        var group = await hub.NewGroupAsync();
        var membership = await hub.NewMembershipAsync(person.Id, group.Id, "Student");
        var number = PeopleCalls.NewCardNumber();
        await hub.NewCardAsync(person.Id, number, pin: "4711");
        var member = await hub.SignInAsync(Stored.UserRole.Member, Guid.Parse(person.Id)).WithTimeout();

        var profile = await hub.People.GetMyProfileAsync(new GetMyProfileRequest(), member).WithTimeout();

        Assert.Equal(person, profile.Person);
        var card = Assert.Single(profile.Cards);
        Assert.Equal(number[^4..], card.LastDigits);
        Assert.True(card.HasPin);
        Assert.Equal("", card.Number);
        Assert.Equal("", card.Pin);
        var mine = Assert.Single(profile.Memberships);
        Assert.Equal(membership, mine.Membership);
        Assert.Equal(group.Name, mine.GroupName);
        Assert.DoesNotContain(number, profile.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMyProfile_UnlinkedUser_NotFound()
    {
        await hub.People.GetMyProfileAsync(new GetMyProfileRequest(), hub.Member).FailsWith(StatusCode.NotFound, "not linked");
    }
}
