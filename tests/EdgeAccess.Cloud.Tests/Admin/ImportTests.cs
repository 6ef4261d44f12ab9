using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Admin.PeopleApi;

/// <summary><c>edgeaccess.v1.ImportService</c> over real gRPC: upserts, per-row errors, dry runs, limits.</summary>
public sealed partial class ImportTests(PeopleHub hub) : IClassFixture<PeopleHub>
{
    private Task<ImportCsvResponse> ImportAsync(ImportKind kind, string csv, bool dryRun = false, string requestId = "") =>
        hub.Import.ImportCsvAsync(new ImportCsvRequest { Kind = kind, Csv = csv, DryRun = dryRun, RequestId = requestId }, hub.Admin).WithTimeout();

    private static string Key(string prefix) => PeopleHub.Unique(prefix).Replace(' ', '-');

    [Fact]
    public async Task ImportPeople_QuotedFieldsBomCrlf_CreatesThenReimportIsUnchangedOrUpdated()
    {
        var (a, b, c) = (Key("hr"), Key("hr"), Key("hr"));
        var csv = "\uFEFFExternal_ID,display_name,email,active\r\n"
            + $"{a},\"Lovelace, Ada\",{a}@example.org,true\r\n"
            + $"\"{b}\",\"Grace \"\"Amazing\"\" Hopper\",,no\r\n"
            + $"{c},  Alan Turing  ,,\r\n";

        var first = await ImportAsync(ImportKind.People, csv);
        var again = await ImportAsync(ImportKind.People, csv);
        var changed = await ImportAsync(ImportKind.People, csv.Replace("Alan Turing", "Alan M. Turing", StringComparison.Ordinal));

        Assert.Equal((3, 0, 0, 0), (first.Created, first.Updated, first.Unchanged, first.Errors));
        Assert.Equal([2, 3, 4], first.Rows.Select(r => r.Line));
        Assert.Equal((0, 0, 3), (again.Created, again.Updated, again.Unchanged));
        Assert.Equal([ImportOutcome.Unchanged, ImportOutcome.Unchanged, ImportOutcome.Updated], changed.Rows.Select(r => r.Outcome));
        Assert.Equal(first.Rows.Select(r => r.EntityId), changed.Rows.Select(r => r.EntityId));
        var people = await hub.People.ListPeopleAsync(new ListPeopleRequest { ExternalId = b }, hub.Admin).WithTimeout();
        var grace = Assert.Single(people.People);
        Assert.Equal("Grace \"Amazing\" Hopper", grace.DisplayName);
        Assert.False(grace.Active);
        var ada = await hub.People.GetPersonAsync(new GetPersonRequest { Id = first.Rows[0].EntityId }, hub.Admin).WithTimeout();
        Assert.Equal("Lovelace, Ada", ada.DisplayName);
        Assert.Equal("Alan M. Turing", (await hub.People.GetPersonAsync(new GetPersonRequest { Id = first.Rows[2].EntityId }, hub.Admin).WithTimeout()).DisplayName);
    }

    [Fact]
    public async Task ImportPeople_BadRows_ReportedByLineAndColumn_RestApplied()
    {
        var good1 = Key("ok");
        var good2 = Key("ok");
        var dup = Key("dup");
        var csv = "external_id,display_name,email,active\n"
            + $"{good1},Good One,,\n"                  // 2
            + $"{Key("x")},,,\n"                       // 3 display_name missing
            + $"{Key("x")},Bad Mail,not-mail,\n"       // 4 email
            + $"{Key("x")},Bad Flag,,maybe\n"          // 5 active
            + $"{dup},First,,\n"                       // 6
            + $"{dup},Second,,\n"                      // 7 duplicate external_id
            + $"{Key("x")},Too,Many,fields,here\n"     // 8 field count
            + $"{Key("x")},\"multi\nline\",,\n"        // 9 (spans 9-10) control character
            + $",No Key,,\n"                           // 11 external_id missing
            + $"{good2},Good Two,,1\n";                // 12

        var report = await ImportAsync(ImportKind.People, csv);

        var errors = report.Rows.Where(r => r.Outcome == ImportOutcome.Error).ToDictionary(r => r.Line, r => r.Error);
        Assert.Equal([3, 4, 5, 7, 8, 9, 11], errors.Keys.Order());
        Assert.StartsWith("display_name: is required", errors[3], StringComparison.Ordinal);
        Assert.StartsWith("email: ", errors[4], StringComparison.Ordinal);
        Assert.StartsWith("active: ", errors[5], StringComparison.Ordinal);
        Assert.StartsWith("external_id: same external_id as line 6", errors[7], StringComparison.Ordinal);
        Assert.Contains("5 fields where the header has 4", errors[8], StringComparison.Ordinal);
        Assert.StartsWith("display_name: must not contain control characters", errors[9], StringComparison.Ordinal);
        Assert.StartsWith("external_id: is required", errors[11], StringComparison.Ordinal);
        Assert.Equal((3, 7), (report.Created, report.Errors));
        Assert.Equal([2, 6, 12], report.Rows.Where(r => r.Outcome == ImportOutcome.Created).Select(r => r.Line));
        Assert.Equal(1, await hub.CountAsync<Stored.Person>(p => p.ExternalId == good2 && p.Active));
        Assert.Equal("First", (await hub.QueryAsync(db => db.People.AsNoTracking().SingleAsync(p => p.ExternalId == dup))).DisplayName);
    }

    [Fact]
    public async Task ImportPeople_DryRun_ReportsButWritesNothing()
    {
        var existing = await hub.NewPersonAsync(externalId: Key("dry"));
        var fresh = Key("dry");
        var csv = $"external_id,display_name\n{existing.ExternalId},Changed Name\n{fresh},New Person\n{Key("dry")},\n";
        var people = await hub.CountAsync<Stored.Person>(_ => true);
        var audits = await hub.CountAsync<Stored.AuditEntry>(_ => true);

        var report = await ImportAsync(ImportKind.People, csv, dryRun: true);

        Assert.True(report.DryRun);
        Assert.Equal([ImportOutcome.Updated, ImportOutcome.Created, ImportOutcome.Error], report.Rows.Select(r => r.Outcome));
        Assert.Equal(existing.Id, report.Rows[0].EntityId);
        Assert.Equal("", report.Rows[1].EntityId);
        Assert.Equal(people, await hub.CountAsync<Stored.Person>(_ => true));
        Assert.Equal(audits, await hub.CountAsync<Stored.AuditEntry>(_ => true));
        Assert.Equal(existing.DisplayName, (await hub.People.GetPersonAsync(new GetPersonRequest { Id = existing.Id }, hub.Admin).WithTimeout()).DisplayName);
    }

    [Fact]
    public async Task ImportCsv_OverFiveMiB_InvalidArgumentAndNothingWritten()
    {
        var people = await hub.CountAsync<Stored.Person>(_ => true);
        var header = "external_id,display_name\n";
        var row = $"{Key("big")},Somebody\n";
        var csv = header + string.Concat(Enumerable.Repeat(row, ((5 * 1024 * 1024) / row.Length) + 1));

        await hub.Import.ImportCsvAsync(new ImportCsvRequest { Kind = ImportKind.People, Csv = csv }, hub.Admin)
            .FailsWith(StatusCode.InvalidArgument, "csv: is ");
        Assert.Equal(people, await hub.CountAsync<Stored.Person>(_ => true));
    }

    [Theory]
    [InlineData("", "csv: has no header row")]
    [InlineData("external_id,display_name,shoe_size\n", "unknown column \"shoe_size\"")]
    [InlineData("external_id,email\n", "required column display_name missing")]
    [InlineData("external_id,display_name,EMAIL,email\n", "column \"email\" appears twice")]
    public async Task ImportCsv_BadHeader_InvalidArgument(string csv, string detail)
    {
        await hub.Import.ImportCsvAsync(new ImportCsvRequest { Kind = ImportKind.People, Csv = csv }, hub.Admin).FailsWith(StatusCode.InvalidArgument, detail);
    }

    [Fact]
    public async Task ImportCsv_NoKindOrNotAdmin_Refused()
    {
        await hub.Import.ImportCsvAsync(new ImportCsvRequest { Csv = "external_id,display_name\n" }, hub.Admin).FailsWith(StatusCode.InvalidArgument, "kind");
        await hub.Import.ImportCsvAsync(new ImportCsvRequest { Kind = ImportKind.People, Csv = "external_id,display_name\n" }, hub.Operator)
            .FailsWith(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task ImportPeople_SameRequestIdTwice_FirstReportReplayed()
    {
        var csv = $"external_id,display_name\n{Key("idem")},Once Only\n";
        var requestId = Guid.NewGuid().ToString();

        var first = await ImportAsync(ImportKind.People, csv, requestId: requestId);
        var second = await ImportAsync(ImportKind.People, csv, requestId: requestId);

        Assert.Equal(first, second);
        Assert.Equal(1, second.Created);
        await hub.Import.ImportCsvAsync(new ImportCsvRequest { Kind = ImportKind.People, Csv = csv + $"{Key("idem")},Other\n", RequestId = requestId }, hub.Admin)
            .FailsWith(StatusCode.AlreadyExists, "request_id");
    }
}
