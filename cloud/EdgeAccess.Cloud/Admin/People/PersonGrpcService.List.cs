using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.People;

public sealed partial class PersonGrpcService
{
    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator, Entities.UserRole.Auditor)]
    public override async Task<ListPeopleResponse> ListPeople(ListPeopleRequest request, ServerCallContext context)
    {
        var name = Validate.OptionalText(request.NameContains, "name_contains");
        var email = Validate.OptionalText(request.Email, "email", PersonRules.MaxEmailLength)?.ToLowerInvariant();
        var externalId = Validate.OptionalText(request.ExternalId, "external_id", PersonRules.MaxExternalIdLength);
        var groupId = Validate.OptionalId(request.GroupId, "group_id");
        bool? active = request.HasActive ? request.Active : null;
        var fingerprint = $"people|{name}|{email}|{externalId}|{active}|{groupId}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);

        var query = db.People.AsNoTracking();
        if (name is not null)
        {
            var pattern = PersonRules.Contains(name);
            query = query.Where(p => EF.Functions.ILike(p.DisplayName, pattern, "\\"));
        }

        if (email is not null)
        {
            query = query.Where(p => p.Email != null && p.Email.ToLower() == email);
        }

        if (externalId is not null)
        {
            query = query.Where(p => p.ExternalId == externalId);
        }

        if (active is { } isActive)
        {
            query = query.Where(p => p.Active == isActive);
        }

        if (groupId is { } group)
        {
            query = query.Where(p => db.Memberships.Any(m => m.PersonId == p.Id && m.GroupId == group));
        }

        if (page.After is { } after)
        {
            query = query.Where(p => p.Id > after);
        }

        var people = await query.OrderBy(p => p.Id).Take(page.Size + 1).ToListAsync(context.CancellationToken);
        var response = new ListPeopleResponse { NextPageToken = page.NextToken(people, p => p.Id, fingerprint) };
        response.People.AddRange(people.Select(p => p.ToMessage()));
        return response;
    }
}
