using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Groups;

/// <summary>The <c>edgeaccess.v1.MembershipService</c> admin API: people's memberships of groups.</summary>
public sealed partial class MembershipGrpcService(
    HubDbContext db,
    HubChanges changes,
    Idempotency idempotency,
    TimeProvider time,
    ILogger<MembershipGrpcService> logger) : MembershipService.ServiceBase
{
    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Membership> CreateMembership(CreateMembershipRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Membership ?? throw ApiErrors.Invalid("membership", "is required");
        var personId = Validate.Id(input.PersonId, "membership.person_id");
        var groupId = Validate.Id(input.GroupId, "membership.group_id");
        var roleTitle = GroupRules.RoleTitle(input.RoleTitle, "membership.role_title");
        var (from, to) = Validate.Window(input.ValidFrom, input.ValidTo, "membership.valid_from", "membership.valid_to");
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, Membership.Parser, async () =>
        {
            await CardRules.EnsurePersonExistsAsync(db, personId, "membership.person_id", ct);
            if (!await db.Groups.AnyAsync(g => g.Id == groupId, ct))
            {
                throw ApiErrors.Invalid("membership.group_id", $"group {groupId} does not exist");
            }

            if (await db.Memberships.AnyAsync(m => m.PersonId == personId && m.GroupId == groupId, ct))
            {
                throw ApiErrors.AlreadyExists("that person is already a member of that group");
            }

            var membership = new Entities.Membership
            {
                Id = AdminWrites.NewId(time),
                PersonId = personId,
                GroupId = groupId,
                RoleTitle = roleTitle,
                ValidFrom = from,
                ValidTo = to,
            };
            db.Memberships.Add(membership);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), "membership", ct);
            GroupsLog.MembershipCreated(logger, membership.Id, personId, groupId);
            return membership.ToMessage();
        }, ct);
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator, Entities.UserRole.Auditor)]
    public override async Task<Membership> GetMembership(GetMembershipRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var membership = await db.Memberships.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, context.CancellationToken);
        return membership.OrNotFound("membership", id).ToMessage();
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Membership> UpdateMembership(UpdateMembershipRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Membership ?? throw ApiErrors.Invalid("membership", "is required");
        var id = Validate.Id(input.Id, "membership.id");
        var etag = Validate.Etag(input.Etag, "membership.etag");
        var mask = UpdateMask.From(request.UpdateMask, "role_title", "valid_from", "valid_to");
        var roleTitle = mask.Has("role_title") ? GroupRules.RoleTitle(input.RoleTitle, "membership.role_title") : null;
        var from = Validate.Time(input.ValidFrom, "membership.valid_from");
        var to = Validate.Time(input.ValidTo, "membership.valid_to");

        var membership = (await db.Memberships.SingleOrDefaultAsync(m => m.Id == id, ct)).OrNotFound("membership", id);
        AdminWrites.CheckEtag(db, membership, id, etag, "membership");
        membership.RoleTitle = roleTitle ?? membership.RoleTitle;
        membership.ValidFrom = mask.Has("valid_from") ? from : membership.ValidFrom;
        membership.ValidTo = mask.Has("valid_to") ? to : membership.ValidTo;
        if (membership.ValidFrom is { } start && membership.ValidTo is { } end && end <= start)
        {
            throw ApiErrors.Invalid("membership.valid_to", "must be after membership.valid_from");
        }

        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "membership", ct);
        GroupsLog.MembershipUpdated(logger, id);
        return membership.ToMessage();
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Empty> DeleteMembership(DeleteMembershipRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var membership = (await db.Memberships.SingleOrDefaultAsync(m => m.Id == id, ct)).OrNotFound("membership", id);
        AdminWrites.CheckEtag(db, membership, id, etag, "membership");
        db.Memberships.Remove(membership);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "membership", ct);
        GroupsLog.MembershipDeleted(logger, id);
        return new Empty();
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator, Entities.UserRole.Auditor)]
    public override async Task<ListMembershipsResponse> ListMemberships(ListMembershipsRequest request, ServerCallContext context)
    {
        var personId = Validate.OptionalId(request.PersonId, "person_id");
        var groupId = Validate.OptionalId(request.GroupId, "group_id");
        var fingerprint = $"memberships|{personId}|{groupId}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        var query = db.Memberships.AsNoTracking();
        query = personId is { } person ? query.Where(m => m.PersonId == person) : query;
        query = groupId is { } group ? query.Where(m => m.GroupId == group) : query;
        query = page.After is { } after ? query.Where(m => m.Id > after) : query;
        var memberships = await query.OrderBy(m => m.Id).Take(page.Size + 1).ToListAsync(context.CancellationToken);
        var response = new ListMembershipsResponse { NextPageToken = page.NextToken(memberships, m => m.Id, fingerprint) };
        response.Memberships.AddRange(memberships.Select(m => m.ToMessage()));
        return response;
    }
}
