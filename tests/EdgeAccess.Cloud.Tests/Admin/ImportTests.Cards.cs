using System.Diagnostics.Metrics;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

public sealed partial class ImportTests
{
    [Fact]
    public async Task ImportCards_CreatesAndUpdates_ErrorsNameColumnsNeverNumbersOrPins()
    {
        var owner = await hub.NewPersonAsync(externalId: Key("own"));
        var heir = await hub.NewPersonAsync(externalId: Key("own"));
        var (n1, n2, bad) = (PeopleCalls.NewCardNumber(), PeopleCalls.NewCardNumber(), "12345XYZ99");
        var csv = "person_external_id,number,status,valid_from,valid_to,pin\n"
            + $"{owner.ExternalId},{n1},,2026-01-01,2027-01-01T00:00:00Z,4321\n"       // 2
            + $"{owner.ExternalId},\"{n2[..8]}-{n2[8..]}\",blocked,,,\n"            // 3
            + $"{owner.ExternalId},{bad},,,,\n"                                     // 4 bad number
            + $"{owner.ExternalId},{PeopleCalls.NewCardNumber()},,,,98a7\n"         // 5 bad pin
            + $"{owner.ExternalId},{n1.ToLowerInvariant()},,,,\n"                   // 6 same number as 2
            + $"nobody-{Guid.NewGuid():N},{PeopleCalls.NewCardNumber()},,,,\n"      // 7 unknown person
            + $"{owner.ExternalId},{PeopleCalls.NewCardNumber()},stolen,,,\n"       // 8 bad status
            + $"{owner.ExternalId},{PeopleCalls.NewCardNumber()},,2026-02-01,2026-01-01,\n"; // 9 window

        var report = await ImportAsync(ImportKind.Cards, csv);
        var moved = await ImportAsync(ImportKind.Cards, $"person_external_id,number,pin\n{heir.ExternalId},{n2},\n{owner.ExternalId},{n1},4321\n");

        var errors = report.Rows.Where(r => r.Outcome == ImportOutcome.Error).ToDictionary(r => r.Line, r => r.Error);
        Assert.Equal([4, 5, 6, 7, 8, 9], errors.Keys.Order());
        Assert.StartsWith("number: must be 4 to 64 hex digits", errors[4], StringComparison.Ordinal);
        Assert.StartsWith("pin: must be 4 to 12 digits", errors[5], StringComparison.Ordinal);
        Assert.StartsWith("number: same card number as line 2", errors[6], StringComparison.Ordinal);
        Assert.StartsWith("person_external_id: no person", errors[7], StringComparison.Ordinal);
        Assert.StartsWith("status: ", errors[8], StringComparison.Ordinal);
        Assert.StartsWith("valid_to: must be after valid_from", errors[9], StringComparison.Ordinal);
        var reportText = report.ToString() + moved.ToString();
        foreach (var secret in new[] { n1, n2, n2[..8], bad, "4321", "98a7" })
        {
            Assert.DoesNotContain(secret, reportText, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal([ImportOutcome.Updated, ImportOutcome.Unchanged], moved.Rows.Select(r => r.Outcome));
        var cards = await hub.Cards.ListCardsAsync(new ListCardsRequest { PersonId = owner.Id }, hub.Admin).WithTimeout();
        var first = Assert.Single(cards.Cards);
        Assert.Equal(n1[^4..], first.LastDigits);
        Assert.True(first.HasPin);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), first.ValidFrom.ToDateTimeOffset());
        var second = await hub.Cards.GetCardAsync(new GetCardRequest { Id = report.Rows.Single(r => r.Line == 3).EntityId }, hub.Admin).WithTimeout();
        Assert.Equal((heir.Id, CardStatus.Blocked), (second.PersonId, second.Status));
        var audit = await hub.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "Card").Select(a => new { a.Before, a.After }).ToListAsync());
        Assert.NotEmpty(audit);
        Assert.All(audit, a => Assert.DoesNotContain(n1, $"{a.Before}{a.After}", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ImportMemberships_UpsertByPersonAndGroup_UnknownGroupReported()
    {
        var person = await hub.NewPersonAsync(externalId: Key("mem"));
        var group = await hub.NewGroupAsync();
        var csv = "person_external_id,group_name,role_title,valid_from,valid_to\n"
            + $"{person.ExternalId},\"{group.Name}\",Student,2026-09-01,\n"
            + $"{person.ExternalId},No Such Group,,,\n";

        var report = await ImportAsync(ImportKind.Memberships, csv);
        var again = await ImportAsync(ImportKind.Memberships, csv.Replace("Student", "Tutor", StringComparison.Ordinal));

        Assert.Equal([ImportOutcome.Created, ImportOutcome.Error], report.Rows.Select(r => r.Outcome));
        Assert.StartsWith("group_name: no group is named \"No Such Group\"", report.Rows[1].Error, StringComparison.Ordinal);
        Assert.Equal(ImportOutcome.Updated, again.Rows[0].Outcome);
        var membership = await hub.Memberships.GetMembershipAsync(new GetMembershipRequest { Id = report.Rows[0].EntityId }, hub.Admin).WithTimeout();
        Assert.Equal(("Tutor", group.Id), (membership.RoleTitle, membership.GroupId));
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero), membership.ValidFrom.ToDateTimeOffset());
    }

    [Fact]
    public async Task ImportPeople_RecordsRowsMetricByKindAndOutcome()
    {
        var measurements = new List<(long Value, string Kind, string Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Cloud" && instrument.Name == "edgeaccess.import.rows")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var map = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            if (map["dry_run"] is true)
            {
                lock (measurements)
                {
                    measurements.Add((value, (string)map["kind"]!, (string)map["outcome"]!));
                }
            }
        });
        listener.Start();

        await ImportAsync(ImportKind.People, $"external_id,display_name\n{Key("m")},One\n{Key("m")},Two\n{Key("m")},\n", dryRun: true);

        lock (measurements)
        {
            Assert.Contains((2L, "people", "created"), measurements);
            Assert.Contains((1L, "people", "error"), measurements);
        }
    }
}
