using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Import;

/// <summary>People rows, matched by external_id: a new external_id creates a person, a known one updates it.</summary>
internal sealed class PeopleImporter(HubDbContext db, TimeProvider time) : RowImporter
{
    private static readonly ImportColumns PeopleColumns = new(["external_id", "display_name", "email", "active"], ["external_id", "display_name"]);

    private readonly Dictionary<string, int> _seenExternalIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _seenEmails = new(StringComparer.Ordinal);
    private Dictionary<string, Entities.Person> _people = [];
    private Dictionary<string, Guid> _emailOwners = [];

    public override ImportColumns Columns => PeopleColumns;

    public override string Kind => "people";

    public override async Task PrepareAsync(IReadOnlyList<CsvRow> rows, CancellationToken cancellationToken)
    {
        var externalIds = rows.Select(r => r["external_id"]).Where(v => v.Length > 0).Distinct().ToList();
        var emails = rows.Select(r => r["email"].ToLowerInvariant()).Where(v => v.Length > 0).Distinct().ToList();
        _people = await db.People.Where(p => p.ExternalId != null && externalIds.Contains(p.ExternalId)).ToDictionaryAsync(p => p.ExternalId!, StringComparer.Ordinal, cancellationToken);
        _emailOwners = await db.People.AsNoTracking()
            .Where(p => p.Email != null && emails.Contains(p.Email.ToLower()))
            .ToDictionaryAsync(p => p.Email!.ToLowerInvariant(), p => p.Id, StringComparer.Ordinal, cancellationToken);
    }

    public override (ImportOutcome Outcome, Guid EntityId) Apply(CsvRow row)
    {
        var externalId = PersonRules.ExternalId(row["external_id"], "external_id") ?? throw ApiErrors.Invalid("external_id", "is required (rows are matched on it)");
        var name = PersonRules.DisplayName(row["display_name"], "display_name");
        var active = ImportValues.Bool(row["active"], "active");
        _people.TryGetValue(externalId, out var person);

        // Without an email column a known person keeps their address.
        var email = row.Has("email") ? PersonRules.Email(row["email"], "email") : person?.Email;
        var lowerEmail = row.Has("email") ? email?.ToLowerInvariant() : null;
        if (lowerEmail is not null && _emailOwners.TryGetValue(lowerEmail, out var owner) && owner != person?.Id)
        {
            throw ApiErrors.AlreadyExists("email: another person already has that email");
        }

        EnsureFirst(_seenExternalIds, externalId, "external_id", "same external_id");
        if (lowerEmail is not null)
        {
            EnsureFirst(_seenEmails, lowerEmail, "email", "same email");
            _seenEmails[lowerEmail] = row.Line;
        }

        _seenExternalIds[externalId] = row.Line;

        if (person is null)
        {
            person = new Entities.Person { Id = AdminWrites.NewId(time), DisplayName = name, Email = email, ExternalId = externalId, Active = active ?? true };
            db.People.Add(person);
            _people[externalId] = person;
            return (ImportOutcome.Created, person.Id);
        }

        var changed = person.DisplayName != name || person.Email != email || (active is { } a && a != person.Active);
        person.DisplayName = name;
        person.Email = email;
        person.Active = active ?? person.Active;
        return (changed ? ImportOutcome.Updated : ImportOutcome.Unchanged, person.Id);
    }
}
