using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Groups;

public sealed partial class GroupGrpcService
{
    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator, Entities.UserRole.Auditor)]
    public override async Task<ListGroupsResponse> ListGroups(ListGroupsRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var name = Validate.OptionalText(request.NameContains, "name_contains");
        var parentId = Validate.OptionalId(request.ParentId, "parent_id");
        bool? active = request.HasActive ? request.Active : null;
        var fingerprint = $"groups|{name}|{active}|{parentId}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);

        var query = db.Groups.AsNoTracking();
        if (name is not null)
        {
            var pattern = PersonRules.Contains(name);
            query = query.Where(g => EF.Functions.ILike(g.Name, pattern, "\\"));
        }

        if (active is { } isActive)
        {
            query = query.Where(g => g.Active == isActive);
        }

        if (parentId is { } parent)
        {
            query = query.Where(g => db.GroupNestings.Any(n => n.ParentId == parent && n.ChildId == g.Id));
        }

        if (page.After is { } after)
        {
            query = query.Where(g => g.Id > after);
        }

        var groups = await query.OrderBy(g => g.Id).Take(page.Size + 1).ToListAsync(ct);
        var response = new ListGroupsResponse { NextPageToken = page.NextToken(groups, g => g.Id, fingerprint) };
        response.Groups.AddRange(await groups.ToMessagesAsync(db, ct));
        return response;
    }
}
