using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Groups;

/// <summary>Entity to message mapping of groups and memberships.</summary>
internal static class GroupsMapping
{
    /// <summary>The API view of a group with the ids it is nested in and that are nested in it.</summary>
    public static Group ToMessage(this Entities.Group group, IEnumerable<Guid> parents, IEnumerable<Guid> children)
    {
        var message = new Group
        {
            Id = group.Id.ToString(),
            Name = group.Name,
            Description = group.Description,
            Active = group.Active,
            Etag = Validate.ToEtag(group.Version),
            CreateTime = group.CreatedAt.ToStoredTimestamp(),
            UpdateTime = group.UpdatedAt.ToStoredTimestamp(),
        };
        message.ParentIds.AddRange(parents.Order().Select(id => id.ToString()));
        message.ChildIds.AddRange(children.Order().Select(id => id.ToString()));
        return message;
    }

    /// <summary>Maps groups with their nesting edges, read in one query.</summary>
    public static async Task<List<Group>> ToMessagesAsync(this IReadOnlyCollection<Entities.Group> groups, HubDbContext db, CancellationToken cancellationToken)
    {
        var ids = groups.Select(g => g.Id).ToList();
        var edges = await db.GroupNestings.AsNoTracking()
            .Where(n => ids.Contains(n.ParentId) || ids.Contains(n.ChildId))
            .Select(n => new { n.ParentId, n.ChildId })
            .ToListAsync(cancellationToken);
        return groups.Select(g => g.ToMessage(
            edges.Where(e => e.ChildId == g.Id).Select(e => e.ParentId),
            edges.Where(e => e.ParentId == g.Id).Select(e => e.ChildId))).ToList();
    }

    /// <summary>Maps one group with its nesting edges.</summary>
    public static async Task<Group> ToMessageAsync(this Entities.Group group, HubDbContext db, CancellationToken cancellationToken) =>
        (await new[] { group }.ToMessagesAsync(db, cancellationToken))[0];

    /// <summary>The API view of a membership.</summary>
    public static Membership ToMessage(this Entities.Membership membership) => new()
    {
        Id = membership.Id.ToString(),
        PersonId = membership.PersonId.ToString(),
        GroupId = membership.GroupId.ToString(),
        RoleTitle = membership.RoleTitle,
        ValidFrom = membership.ValidFrom.ToStoredTimestamp(),
        ValidTo = membership.ValidTo.ToStoredTimestamp(),
        Etag = Validate.ToEtag(membership.Version),
        CreateTime = membership.CreatedAt.ToStoredTimestamp(),
        UpdateTime = membership.UpdatedAt.ToStoredTimestamp(),
    };
}
