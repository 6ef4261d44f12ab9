using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Admin.Import;

/// <summary>The per-row outcomes of one import, in line order, with their totals.</summary>
internal sealed class ImportReport(bool dryRun)
{
    private readonly List<ImportRowResult> _rows = [];

    /// <summary>Rows that create or update something.</summary>
    public int Changes => _rows.Count(r => r.Outcome is ImportOutcome.Created or ImportOutcome.Updated);

    /// <summary>Records the outcome of an applied row. A dry run shows no id for what it would create.</summary>
    public void Add(int line, ImportOutcome outcome, Guid entityId) => _rows.Add(new ImportRowResult
    {
        Line = line,
        Outcome = outcome,
        EntityId = dryRun && outcome == ImportOutcome.Created ? "" : entityId.ToString(),
    });

    /// <summary>Records a row that was reported and skipped; <paramref name="error"/> is "column: reason".</summary>
    public void Error(int line, string error) => _rows.Add(new ImportRowResult { Line = line, Outcome = ImportOutcome.Error, Error = error });

    /// <summary>How many rows had <paramref name="outcome"/>.</summary>
    public int Count(ImportOutcome outcome) => _rows.Count(r => r.Outcome == outcome);

    /// <summary>The answer of the import.</summary>
    public ImportCsvResponse ToResponse()
    {
        var response = new ImportCsvResponse
        {
            Created = Count(ImportOutcome.Created),
            Updated = Count(ImportOutcome.Updated),
            Unchanged = Count(ImportOutcome.Unchanged),
            Errors = Count(ImportOutcome.Error),
            DryRun = dryRun,
        };
        response.Rows.AddRange(_rows.OrderBy(r => r.Line));
        return response;
    }
}

/// <summary>
/// Applies the rows of one kind of import to the change tracker. <see cref="PrepareAsync"/> reads
/// everything the rows refer to in a few queries; <see cref="Apply"/> then validates one row
/// completely before it changes anything, and throws INVALID_ARGUMENT or ALREADY_EXISTS
/// ("column: reason") for a row that is reported and skipped.
/// </summary>
internal abstract class RowImporter
{
    /// <summary>The columns of this kind.</summary>
    public abstract ImportColumns Columns { get; }

    /// <summary>The kind's name for logs and metrics.</summary>
    public abstract string Kind { get; }

    /// <summary>Loads what the rows match and refer to.</summary>
    public abstract Task PrepareAsync(IReadOnlyList<CsvRow> rows, CancellationToken cancellationToken);

    /// <summary>Applies one row; returns its outcome and the entity's id.</summary>
    public abstract (ImportOutcome Outcome, Guid EntityId) Apply(CsvRow row);

    /// <summary>INVALID_ARGUMENT naming the column when an earlier row already had the key.</summary>
    protected static void EnsureFirst<TKey>(Dictionary<TKey, int> seen, TKey key, string column, string what)
        where TKey : notnull
    {
        if (seen.TryGetValue(key, out var first))
        {
            throw Common.ApiErrors.Invalid(column, $"{what} as line {first}; each may appear once");
        }
    }
}
