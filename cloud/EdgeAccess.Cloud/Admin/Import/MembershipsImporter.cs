using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Groups;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Import;

/// <summary>Membership rows, matched by (person, group): a new pair creates a membership, a known one updates it.</summary>
internal sealed class MembershipsImporter(HubDbContext db, TimeProvider time) : RowImporter
{
    private static readonly ImportColumns MembershipColumns = new(
        ["person_external_id", "group_name", "role_title", "valid_from", "valid_to"], ["person_external_id", "group_name"]);

    private readonly Dictionary<(Guid, Guid), int> _seenPairs = [];
    private Dictionary<string, Guid> _people = [];
    private Dictionary<string, Guid> _groups = [];
    private Dictionary<(Guid, Guid), Entities.Membership> _memberships = [];

    public override ImportColumns Columns => MembershipColumns;

    public override string Kind => "memberships";

    public override async Task PrepareAsync(IReadOnlyList<CsvRow> rows, CancellationToken cancellationToken)
    {
        var externalIds = rows.Select(r => r["person_external_id"]).Where(v => v.Length > 0).Distinct().ToList();
        var names = rows.Select(r => r["group_name"]).Where(v => v.Length > 0).Distinct().ToList();
        _people = await db.People.AsNoTracking()
            .Where(p => p.ExternalId != null && externalIds.Contains(p.ExternalId))
            .ToDictionaryAsync(p => p.ExternalId!, p => p.Id, StringComparer.Ordinal, cancellationToken);
        _groups = await db.Groups.AsNoTracking().Where(g => names.Contains(g.Name)).ToDictionaryAsync(g => g.Name, g => g.Id, StringComparer.Ordinal, cancellationToken);
        var personIds = _people.Values.ToList();
        var groupIds = _groups.Values.ToList();
        _memberships = await db.Memberships
            .Where(m => personIds.Contains(m.PersonId) && groupIds.Contains(m.GroupId))
            .ToDictionaryAsync(m => (m.PersonId, m.GroupId), cancellationToken);
    }

    public override (ImportOutcome Outcome, Guid EntityId) Apply(CsvRow row)
    {
        var externalId = Validate.Text(row["person_external_id"], "person_external_id", PersonRules.MaxExternalIdLength);
        var personId = _people.TryGetValue(externalId, out var person)
            ? person
            : throw ApiErrors.Invalid("person_external_id", $"no person has external_id \"{externalId}\" (import people first)");
        var groupName = GroupRules.Name(row["group_name"], "group_name");
        var groupId = _groups.TryGetValue(groupName, out var group)
            ? group
            : throw ApiErrors.Invalid("group_name", $"no group is named \"{groupName}\"");
        _memberships.TryGetValue((personId, groupId), out var membership);
        var roleTitle = row.Has("role_title") ? GroupRules.RoleTitle(row["role_title"], "role_title") : membership?.RoleTitle ?? "";
        var (from, to) = ImportValues.Window(row, membership?.ValidFrom, membership?.ValidTo);
        EnsureFirst(_seenPairs, (personId, groupId), "group_name", "same person and group");
        _seenPairs[(personId, groupId)] = row.Line;

        if (membership is null)
        {
            membership = new Entities.Membership
            {
                Id = AdminWrites.NewId(time),
                PersonId = personId,
                GroupId = groupId,
                RoleTitle = roleTitle,
                ValidFrom = from,
                ValidTo = to,
            };
            db.Memberships.Add(membership);
            _memberships[(personId, groupId)] = membership;
            return (ImportOutcome.Created, membership.Id);
        }

        var changed = membership.RoleTitle != roleTitle || membership.ValidFrom != from || membership.ValidTo != to;
        membership.RoleTitle = roleTitle;
        membership.ValidFrom = from;
        membership.ValidTo = to;
        return (changed ? ImportOutcome.Updated : ImportOutcome.Unchanged, membership.Id);
    }
}
