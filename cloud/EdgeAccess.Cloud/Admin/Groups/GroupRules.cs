using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Data;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Admin.Groups;

/// <summary>The rules of groups and memberships, shared by their APIs and the CSV import.</summary>
internal static class GroupRules
{
    /// <summary>Longest group name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest group description.</summary>
    public const int MaxDescriptionLength = 2000;

    /// <summary>Longest role title of a membership.</summary>
    public const int MaxRoleTitleLength = 200;

    /// <summary>A required group name.</summary>
    public static string Name(string value, string field) => Validate.Text(value, field, MaxNameLength);

    /// <summary>An optional description (empty = "").</summary>
    public static string Description(string value, string field) => Validate.OptionalText(value, field, MaxDescriptionLength) ?? "";

    /// <summary>An optional role title (empty = "").</summary>
    public static string RoleTitle(string? value, string field) => Validate.OptionalText(value, field, MaxRoleTitleLength) ?? "";

    /// <summary>ALREADY_EXISTS when another group (not <paramref name="self"/>) has the name.</summary>
    public static async Task EnsureNameFreeAsync(HubDbContext db, string name, Guid? self, CancellationToken cancellationToken)
    {
        if (await db.Groups.AnyAsync(g => g.Name == name && g.Id != self, cancellationToken))
        {
            throw ApiErrors.AlreadyExists($"a group named \"{name}\" already exists");
        }
    }

    /// <summary>
    /// The group and every group nested in it at any depth, following active groups only (an
    /// inactive group passes nothing on to its parents). UNION makes the walk end on any graph.
    /// </summary>
    public static Task<List<Guid>> WithNestedAsync(HubDbContext db, Guid groupId, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<Guid>($"""
            WITH RECURSIVE tree(id) AS (
                SELECT {groupId}::uuid
              UNION
                SELECT n.child_id
                FROM group_nestings n
                JOIN tree t ON n.parent_id = t.id
                JOIN groups g ON g.id = n.child_id
                WHERE g.active
            )
            SELECT id AS "Value" FROM tree
            """).ToListAsync(cancellationToken);
}
