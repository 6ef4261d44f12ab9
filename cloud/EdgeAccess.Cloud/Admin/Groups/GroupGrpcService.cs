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

/// <summary>The <c>edgeaccess.v1.GroupService</c> admin API: groups, their nesting and members.</summary>
public sealed partial class GroupGrpcService(
    HubDbContext db,
    HubChanges changes,
    Idempotency idempotency,
    TimeProvider time,
    ILogger<GroupGrpcService> logger) : GroupService.ServiceBase
{
    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Group> CreateGroup(CreateGroupRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Group ?? throw ApiErrors.Invalid("group", "is required");
        var name = GroupRules.Name(input.Name, "group.name");
        var description = GroupRules.Description(input.Description, "group.description");
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, Group.Parser, async () =>
        {
            await GroupRules.EnsureNameFreeAsync(db, name, null, ct);
            var group = new Entities.Group
            {
                Id = AdminWrites.NewId(time),
                Name = name,
                Description = description,
                Active = !input.HasActive || input.Active,
            };
            db.Groups.Add(group);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), "group", ct);
            GroupsLog.GroupCreated(logger, group.Id);
            return group.ToMessage([], []);
        }, ct);
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator, Entities.UserRole.Auditor)]
    public override async Task<Group> GetGroup(GetGroupRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var group = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, context.CancellationToken);
        return await group.OrNotFound("group", id).ToMessageAsync(db, context.CancellationToken);
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Group> UpdateGroup(UpdateGroupRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Group ?? throw ApiErrors.Invalid("group", "is required");
        var id = Validate.Id(input.Id, "group.id");
        var etag = Validate.Etag(input.Etag, "group.etag");
        var mask = UpdateMask.From(request.UpdateMask, "name", "description", "active");
        var name = mask.Has("name") ? GroupRules.Name(input.Name, "group.name") : null;
        var description = mask.Has("description") ? GroupRules.Description(input.Description, "group.description") : null;

        var group = (await db.Groups.SingleOrDefaultAsync(g => g.Id == id, ct)).OrNotFound("group", id);
        AdminWrites.CheckEtag(db, group, id, etag, "group");
        if (name is not null && name != group.Name)
        {
            await GroupRules.EnsureNameFreeAsync(db, name, id, ct);
            group.Name = name;
        }

        group.Description = description ?? group.Description;
        if (mask.Names("active") || (mask.IsFull && input.HasActive))
        {
            group.Active = input.Active;
        }

        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "group", ct);
        GroupsLog.GroupUpdated(logger, id);
        return await group.ToMessageAsync(db, ct);
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Empty> DeleteGroup(DeleteGroupRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var group = (await db.Groups.SingleOrDefaultAsync(g => g.Id == id, ct)).OrNotFound("group", id);
        AdminWrites.CheckEtag(db, group, id, etag, "group");
        if (await db.AccessSchemes.AnyAsync(s => s.GroupId == id, ct))
        {
            throw ApiErrors.FailedPrecondition($"group {id} is used by access schemes; remove them first");
        }

        // Nestings and memberships are removed through the change tracker rather than left to
        // ON DELETE CASCADE, so the audit trail and the rights compiler see them go; saved before
        // the group (the model maps no relationships, so EF would not order the deletes).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.GroupNestings.RemoveRange(await db.GroupNestings.Where(n => n.ParentId == id || n.ChildId == id).ToListAsync(ct));
        db.Memberships.RemoveRange(await db.Memberships.Where(m => m.GroupId == id).ToListAsync(ct));
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "group", ct);
        db.Groups.Remove(group);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "group", ct);
        await transaction.CommitAsync(ct);
        GroupsLog.GroupDeleted(logger, id);
        return new Empty();
    }
}
