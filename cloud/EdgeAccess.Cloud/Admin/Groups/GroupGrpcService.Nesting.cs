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
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Group> AddNesting(AddNestingRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var (parent, child) = await ReadPairAsync(request.ParentGroupId, request.ChildGroupId, ct);
        if (await db.GroupNestings.AnyAsync(n => n.ParentId == parent.Id && n.ChildId == child.Id, ct))
        {
            throw ApiErrors.AlreadyExists($"group \"{child.Name}\" is already nested in \"{parent.Name}\"");
        }

        // A friendly early answer naming the cycle; HubChanges checks again under its lock after the
        // insert, so two concurrent nestings cannot close a cycle between them.
        var cycle = await FindCycleAsync(parent.Id, child.Id, ct);
        if (cycle is not null)
        {
            GroupsLog.NestingCycleRefused(logger, child.Id, parent.Id, cycle.Count - 1);
            throw ApiErrors.Invalid("child_group_id", $"nesting \"{child.Name}\" in \"{parent.Name}\" would form a cycle: {string.Join(" ⊂ ", cycle.Select(n => $"\"{n}\""))}");
        }

        db.GroupNestings.Add(new Entities.GroupNesting { ParentId = parent.Id, ChildId = child.Id, CreatedAt = time.GetUtcNow() });
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "group nesting", ct);
        GroupsLog.NestingAdded(logger, child.Id, parent.Id);
        return await child.ToMessageAsync(db, ct);
    }

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<Group> RemoveNesting(RemoveNestingRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var (parent, child) = await ReadPairAsync(request.ParentGroupId, request.ChildGroupId, ct);
        var nesting = await db.GroupNestings.SingleOrDefaultAsync(n => n.ParentId == parent.Id && n.ChildId == child.Id, ct)
            ?? throw ApiErrors.NotFoundMessage($"group \"{child.Name}\" is not nested in \"{parent.Name}\"");
        db.GroupNestings.Remove(nesting);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), "group nesting", ct);
        GroupsLog.NestingRemoved(logger, child.Id, parent.Id);
        return await child.ToMessageAsync(db, ct);
    }

    private async Task<(Entities.Group Parent, Entities.Group Child)> ReadPairAsync(string parentText, string childText, CancellationToken ct)
    {
        var parentId = Validate.Id(parentText, "parent_group_id");
        var childId = Validate.Id(childText, "child_group_id");
        if (parentId == childId)
        {
            throw ApiErrors.Invalid("child_group_id", "a group cannot be nested in itself");
        }

        var groups = await db.Groups.AsNoTracking().Where(g => g.Id == parentId || g.Id == childId).ToDictionaryAsync(g => g.Id, ct);
        return (groups.GetValueOrDefault(parentId).OrNotFound("group", parentId), groups.GetValueOrDefault(childId).OrNotFound("group", childId));
    }

    /// <summary>
    /// The cycle that nesting <paramref name="childId"/> in <paramref name="parentId"/> would close,
    /// as group names in "is nested in" order starting and ending with the child, or null. A
    /// breadth-first walk down from the child: the cycle exists when the parent lies below it.
    /// </summary>
    private async Task<List<string>?> FindCycleAsync(Guid parentId, Guid childId, CancellationToken ct)
    {
        var edges = await db.GroupNestings.AsNoTracking().Select(n => new { n.ParentId, n.ChildId }).ToListAsync(ct);
        var children = edges.ToLookup(e => e.ParentId, e => e.ChildId);
        var cameFrom = new Dictionary<Guid, Guid> { [childId] = childId };
        var queue = new Queue<Guid>([childId]);
        while (queue.Count > 0 && !cameFrom.ContainsKey(parentId))
        {
            var current = queue.Dequeue();
            foreach (var next in children[current])
            {
                if (cameFrom.TryAdd(next, current))
                {
                    queue.Enqueue(next);
                }
            }
        }

        if (!cameFrom.ContainsKey(parentId))
        {
            return null;
        }

        // Walking back from the parent up to the child lists the chain parent ⊂ ... ⊂ child.
        var chain = new List<Guid> { childId, parentId };
        for (var at = parentId; at != childId;)
        {
            at = cameFrom[at];
            chain.Add(at);
        }

        var names = await db.Groups.AsNoTracking().Where(g => chain.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        return chain.Select(id => names.GetValueOrDefault(id, id.ToString())).ToList();
    }
}
