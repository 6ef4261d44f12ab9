using System.Diagnostics.Metrics;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Admin.Import;

/// <summary>
/// <c>edgeaccess.import.rows</c>: CSV import rows by kind, outcome and dry run (tags never carry
/// cell values).
/// </summary>
internal static class ImportMetrics
{
    /// <summary>The instrument name.</summary>
    public const string RowsName = "edgeaccess.import.rows";

    private static readonly Counter<long> Rows = CloudTelemetry.Meter.CreateCounter<long>(RowsName, "{row}", "CSV import rows processed, by kind and outcome");

    /// <summary>Counts the rows of one finished import.</summary>
    public static void Record(string kind, bool dryRun, ImportCsvResponse response)
    {
        Add(kind, dryRun, "created", response.Created);
        Add(kind, dryRun, "updated", response.Updated);
        Add(kind, dryRun, "unchanged", response.Unchanged);
        Add(kind, dryRun, "error", response.Errors);
    }

    private static void Add(string kind, bool dryRun, string outcome, int count)
    {
        if (count > 0)
        {
            Rows.Add(count, new("kind", kind), new("outcome", outcome), new("dry_run", dryRun));
        }
    }
}
