using System.Security.Cryptography;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

/// <summary>Bounded awaits, status assertions and test data for the people admin API.</summary>
public static class PeopleCalls
{
    /// <summary>Awaits the response of <paramref name="call"/> at most <paramref name="timeout"/> (default 30 s).</summary>
    public static Task<T> WithTimeout<T>(this AsyncUnaryCall<T> call, TimeSpan? timeout = null) => call.ResponseAsync.WithTimeout(timeout);

    /// <summary>
    /// Asserts that <paramref name="call"/> fails with <paramref name="code"/> and, when given, that
    /// the status detail contains <paramref name="detail"/>; returns the exception.
    /// </summary>
    public static async Task<RpcException> FailsWith<T>(this AsyncUnaryCall<T> call, StatusCode code, string? detail = null)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout());
        Assert.True(code == error.StatusCode, $"expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        if (detail is not null)
        {
            Assert.Contains(detail, error.Status.Detail, StringComparison.Ordinal);
        }

        return error;
    }

    /// <summary>A random 16-hex-digit card number (as a reader would send it).</summary>
    public static string NewCardNumber() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    /// <summary>Creates a person as admin.</summary>
    public static Task<Person> NewPersonAsync(this PeopleHub hub, string? name = null, string? externalId = null, string? email = null) =>
        hub.People.CreatePersonAsync(new CreatePersonRequest
        {
            Person = new Person { DisplayName = name ?? PeopleHub.Unique("Person"), ExternalId = externalId ?? "", Email = email ?? "" },
        }, hub.Admin).WithTimeout();

    /// <summary>Creates a group as admin.</summary>
    public static Task<Group> NewGroupAsync(this PeopleHub hub, string? name = null, bool active = true) =>
        hub.Groups.CreateGroupAsync(new CreateGroupRequest { Group = new Group { Name = name ?? PeopleHub.Unique("Group"), Active = active } }, hub.Admin).WithTimeout();

    /// <summary>Issues a card with <paramref name="number"/> (random when null) to a person as admin.</summary>
    public static Task<Card> NewCardAsync(this PeopleHub hub, string personId, string? number = null, string pin = "") =>
        hub.Cards.CreateCardAsync(new CreateCardRequest { Card = new Card { PersonId = personId, Number = number ?? NewCardNumber(), Pin = pin } }, hub.Admin).WithTimeout();

    /// <summary>Makes a person a member of a group as admin.</summary>
    public static Task<Membership> NewMembershipAsync(this PeopleHub hub, string personId, string groupId, string roleTitle = "") =>
        hub.Memberships.CreateMembershipAsync(new CreateMembershipRequest
        {
            Membership = new Membership { PersonId = personId, GroupId = groupId, RoleTitle = roleTitle },
        }, hub.Admin).WithTimeout();

    /// <summary>Nests <paramref name="childId"/> in <paramref name="parentId"/> as admin.</summary>
    public static Task<Group> NestAsync(this PeopleHub hub, string parentId, string childId) =>
        hub.Groups.AddNestingAsync(new AddNestingRequest { ParentGroupId = parentId, ChildGroupId = childId }, hub.Admin).WithTimeout();
}
