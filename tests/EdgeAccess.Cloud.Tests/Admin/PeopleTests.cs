using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

/// <summary><c>edgeaccess.v1.PersonService</c> over real gRPC: CRUD, validation, etags, idempotency.</summary>
public sealed partial class PeopleTests(PeopleHub hub) : IClassFixture<PeopleHub>
{
    [Fact]
    public async Task CreatePerson_ThenGet_ReturnsStoredPersonActiveWithFirstEtag()
    {
        var name = PeopleHub.Unique("Ada");
        var external = PeopleHub.Unique("HR");

        var created = await hub.People.CreatePersonAsync(new CreatePersonRequest
        {
            Person = new Person { DisplayName = $"  {name} ", Email = $"{external.Replace(' ', '.')}@Example.org", ExternalId = external },
        }, hub.Admin).WithTimeout();
        var read = await hub.People.GetPersonAsync(new GetPersonRequest { Id = created.Id }, hub.Auditor).WithTimeout();

        Assert.Equal(name, created.DisplayName);
        Assert.True(created.Active);
        Assert.Equal("1", created.Etag);
        Assert.True(Guid.TryParse(created.Id, out _));
        Assert.Equal(created, read);
        Assert.InRange(created.CreateTime.ToDateTimeOffset(), TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddMinutes(1));
    }

    [Theory]
    [InlineData("", "", "", "person.display_name: is required")]
    [InlineData("Bob", "not-an-email", "", "person.email: is not an e-mail address")]
    [InlineData("Bob", "Bob <bob@example.org>", "", "person.email: is not an e-mail address")]
    [InlineData("Bob", "bob@localhost", "", "person.email: is not an e-mail address")]
    [InlineData("Bob\u0007", "", "", "person.display_name: must not contain control characters")]
    [InlineData("Bob", "", "HR\nX", "person.external_id: must not contain control characters")]
    public async Task CreatePerson_BadField_InvalidArgumentNamingIt(string name, string email, string external, string detail)
    {
        await hub.People.CreatePersonAsync(new CreatePersonRequest { Person = new Person { DisplayName = name, Email = email, ExternalId = external } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, detail);
    }

    [Fact]
    public async Task CreatePerson_TooLongName_InvalidArgument()
    {
        await hub.People.CreatePersonAsync(new CreatePersonRequest { Person = new Person { DisplayName = new string('x', 201) } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "person.display_name: must be at most 200 characters");
    }

    [Fact]
    public async Task CreatePerson_DuplicateEmailAnyCaseOrExternalId_AlreadyExists()
    {
        var external = PeopleHub.Unique("HR");
        var email = $"{Guid.NewGuid():N}@example.org";
        await hub.NewPersonAsync(externalId: external, email: email);

        await hub.People.CreatePersonAsync(new CreatePersonRequest { Person = new Person { DisplayName = "Twin", Email = email.ToUpperInvariant() } }, hub.Admin)
            .FailsWith(StatusCode.AlreadyExists, "email");
        await hub.People.CreatePersonAsync(new CreatePersonRequest { Person = new Person { DisplayName = "Twin", ExternalId = external } }, hub.Admin)
            .FailsWith(StatusCode.AlreadyExists, "external_id");
    }

    [Fact]
    public async Task CreatePerson_SameRequestIdTwice_OneRowSameAnswer()
    {
        var request = new CreatePersonRequest { RequestId = Guid.NewGuid().ToString(), Person = new Person { DisplayName = PeopleHub.Unique("Retry") } };

        var first = await hub.People.CreatePersonAsync(request, hub.Admin).WithTimeout();
        var second = await hub.People.CreatePersonAsync(request, hub.Admin).WithTimeout();

        Assert.Equal(first, second);
        Assert.Equal(1, await hub.CountAsync<Stored.Person>(p => p.DisplayName == request.Person.DisplayName));
    }

    [Fact]
    public async Task CreatePerson_SameRequestIdOtherBody_AlreadyExistsAndNothingWritten()
    {
        var requestId = Guid.NewGuid().ToString();
        await hub.People.CreatePersonAsync(new CreatePersonRequest { RequestId = requestId, Person = new Person { DisplayName = PeopleHub.Unique("A") } }, hub.Admin).WithTimeout();
        var other = PeopleHub.Unique("B");

        await hub.People.CreatePersonAsync(new CreatePersonRequest { RequestId = requestId, Person = new Person { DisplayName = other } }, hub.Admin)
            .FailsWith(StatusCode.AlreadyExists, "request_id");
        Assert.Equal(0, await hub.CountAsync<Stored.Person>(p => p.DisplayName == other));
    }

    [Fact]
    public async Task UpdatePerson_WithMaskAndEtag_ChangesOnlyMaskedFieldsAndBumpsEtag()
    {
        var person = await hub.NewPersonAsync(externalId: PeopleHub.Unique("HR"));
        var newName = PeopleHub.Unique("Renamed");

        var updated = await hub.People.UpdatePersonAsync(new UpdatePersonRequest
        {
            Person = new Person { Id = person.Id, Etag = person.Etag, DisplayName = newName, ExternalId = "ignored", Active = false },
            UpdateMask = new FieldMask { Paths = { "display_name", "active" } },
        }, hub.Admin).WithTimeout();

        Assert.Equal(newName, updated.DisplayName);
        Assert.False(updated.Active);
        Assert.Equal(person.ExternalId, updated.ExternalId);
        Assert.Equal("2", updated.Etag);
        Assert.Equal(updated, await hub.People.GetPersonAsync(new GetPersonRequest { Id = person.Id }, hub.Admin).WithTimeout());
    }

    [Fact]
    public async Task UpdatePerson_StaleEtag_FailedPreconditionAndUnchanged()
    {
        var person = await hub.NewPersonAsync();
        await hub.People.UpdatePersonAsync(new UpdatePersonRequest { Person = new Person { Id = person.Id, Etag = person.Etag, DisplayName = "First edit" } }, hub.Admin).WithTimeout();

        await hub.People.UpdatePersonAsync(new UpdatePersonRequest { Person = new Person { Id = person.Id, Etag = person.Etag, DisplayName = "Second edit" } }, hub.Admin)
            .FailsWith(StatusCode.FailedPrecondition, "etag");
        Assert.Equal("First edit", (await hub.People.GetPersonAsync(new GetPersonRequest { Id = person.Id }, hub.Admin).WithTimeout()).DisplayName);
    }

    [Fact]
    public async Task UpdatePerson_UnknownMaskPathOrId_InvalidArgumentOrNotFound()
    {
        var person = await hub.NewPersonAsync();

        await hub.People.UpdatePersonAsync(new UpdatePersonRequest { Person = new Person { Id = person.Id, DisplayName = "X" }, UpdateMask = new FieldMask { Paths = { "id" } } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "update_mask");
        await hub.People.UpdatePersonAsync(new UpdatePersonRequest { Person = new Person { Id = Guid.NewGuid().ToString(), DisplayName = "X" } }, hub.Admin)
            .FailsWith(StatusCode.NotFound);
        await hub.People.UpdatePersonAsync(new UpdatePersonRequest { Person = new Person { Id = "nope", DisplayName = "X" } }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "person.id: must be a UUID");
    }

    [Fact]
    public async Task DeletePerson_WithCard_FailedPreconditionThenDeletesAfterCardGone()
    {
        var person = await hub.NewPersonAsync();
        var group = await hub.NewGroupAsync();
        await hub.NewMembershipAsync(person.Id, group.Id);
        var card = await hub.NewCardAsync(person.Id);

        await hub.People.DeletePersonAsync(new DeletePersonRequest { Id = person.Id }, hub.Admin).FailsWith(StatusCode.FailedPrecondition, "cards");
        await hub.Cards.DeleteCardAsync(new DeleteCardRequest { Id = card.Id, Etag = card.Etag }, hub.Admin).WithTimeout();
        await hub.People.DeletePersonAsync(new DeletePersonRequest { Id = person.Id, Etag = person.Etag }, hub.Admin).WithTimeout();

        await hub.People.GetPersonAsync(new GetPersonRequest { Id = person.Id }, hub.Admin).FailsWith(StatusCode.NotFound);
        Assert.Equal(0, await hub.CountAsync<Stored.Membership>(m => m.PersonId == Guid.Parse(person.Id)));
    }

    [Fact]
    public async Task DeletePerson_StaleEtag_FailedPrecondition()
    {
        var person = await hub.NewPersonAsync();
        await hub.People.UpdatePersonAsync(new UpdatePersonRequest { Person = new Person { Id = person.Id, DisplayName = "Edited" } }, hub.Admin).WithTimeout();

        await hub.People.DeletePersonAsync(new DeletePersonRequest { Id = person.Id, Etag = person.Etag }, hub.Admin).FailsWith(StatusCode.FailedPrecondition);
        Assert.Equal(1, await hub.CountAsync<Stored.Person>(p => p.Id == Guid.Parse(person.Id)));
    }
}
