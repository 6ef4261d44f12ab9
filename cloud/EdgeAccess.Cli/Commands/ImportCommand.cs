using System.CommandLine;
using EdgeAccess.Cli.Internal;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cli.Commands;

/// <summary>
/// <c>import people|cards|memberships FILE.csv [--dry-run]</c>: sends the CSV to the hub and prints
/// its per-row report. Rows with errors are skipped by the hub (the valid ones are applied in one
/// change); the command then exits with 1 so scripts notice.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("import", "Import people, cards or memberships from a CSV file (RFC 4180, header row)")
        {
            Kind(cli, "people", ImportKind.People, "columns: external_id, display_name, email, active"),
            Kind(cli, "cards", ImportKind.Cards, "columns: person_external_id, number, status, valid_from, valid_to, pin"),
            Kind(cli, "memberships", ImportKind.Memberships, "columns: person_external_id, group_name, role_title, valid_from, valid_to"),
        };
        return command;
    }

    private static Command Kind(CliContext cli, string name, ImportKind kind, string columns)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The CSV file" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and report, write nothing" };
        var command = new Command(name, $"Import {name} ({columns})") { file, dryRun };
        cli.SetAction(command, async (r, hub, ct) =>
        {
            var path = r.GetRequiredValue(file);
            if (!path.Exists)
            {
                throw CliException.Usage($"{path.FullName} does not exist");
            }

            var csv = await File.ReadAllTextAsync(path.FullName, ct);
            var request = new ImportCsvRequest { Kind = kind, Csv = csv, DryRun = r.GetValue(dryRun) };
            if (!request.DryRun)
            {
                request.RequestId = Guid.NewGuid().ToString();
            }

            var report = await hub.CallAsync(o => hub.Import.ImportCsvAsync(request, o), ct);
            cli.Emit(r, report, () => WriteReport(cli.Out, report));
            if (report.Errors == 0)
            {
                return 0;
            }

            var applied = report.DryRun ? "the other rows would be applied" : "the other rows were applied";
            throw new CliException("INVALID_ARGUMENT", $"{report.Errors} of {report.Rows.Count} rows have errors and were skipped; {applied}");
        });
        return command;
    }

    private static void WriteReport(TextWriter output, ImportCsvResponse report)
    {
        var table = new TextTable("LINE", "OUTCOME", "ENTITY ID", "ERROR");
        foreach (var row in report.Rows)
        {
            table.Add(row.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), Text.Name(row.Outcome), Text.OrDash(row.EntityId), row.Error);
        }

        table.WriteTo(output, "No rows.");
        output.WriteLine(report.DryRun
            ? $"Dry run, nothing written: {report.Created} to create, {report.Updated} to update, {report.Unchanged} unchanged, {report.Errors} with errors."
            : $"Imported: {report.Created} created, {report.Updated} updated, {report.Unchanged} unchanged, {report.Errors} with errors.");
    }
}
