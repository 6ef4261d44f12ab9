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
    public override async Task<ListMembersResponse> ListMembers(ListMembersRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var groupId = Validate.Id(request.GroupId, "group_id");
        var fingerprint = $"members|{groupId}|{request.Transitive}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        if (!await db.Groups.AnyAsync(g => g.Id == groupId, ct))
        {
            throw ApiErrors.NotFound("group", groupId);
        }

        List<Guid> groupIds = request.Transitive ? await GroupRules.WithNestedAsync(db, groupId, ct) : [groupId];
        var query =
            from m in db.Memberships.AsNoTracking()
            join p in db.People on m.PersonId equals p.Id
            join g in db.Groups on m.GroupId equals g.Id
            where groupIds.Contains(m.GroupId)
            select new { Membership = m, p.DisplayName, p.Active, GroupName = g.Name };
        if (page.After is { } after)
        {
            query = query.Where(x => x.Membership.Id > after);
        }

        var rows = await query.OrderBy(x => x.Membership.Id).Take(page.Size + 1).ToListAsync(ct);
        var response = new ListMembersResponse { NextPageToken = page.NextToken(rows, x => x.Membership.Id, fingerprint) };
        var now = time.GetUtcNow();
        response.Members.AddRange(rows.Select(x => new GroupMember
        {
            PersonId = x.Membership.PersonId.ToString(),
            DisplayName = x.DisplayName,
            PersonActive = x.Active,
            Membership = x.Membership.ToMessage(),
            ViaGroupId = x.Membership.GroupId.ToString(),
            ViaGroupName = x.GroupName,
            ValidNow = (x.Membership.ValidFrom is null || x.Membership.ValidFrom <= now) && (x.Membership.ValidTo is null || now < x.Membership.ValidTo),
        }));
        return response;
    }
}
