using Microsoft.Extensions.Logging;

namespace EdgeAccess.Cloud.Admin.Import;

/// <summary>Log events of the CSV import (event ids 3280-3289): counts only, never cell values.</summary>
internal static partial class ImportLog
{
    [LoggerMessage(3280, LogLevel.Information,
        "CSV import of {Kind} (dry run: {DryRun}): {Rows} rows, {Created} created, {Updated} updated, {Unchanged} unchanged, {Errors} errors in {ElapsedMs:F0} ms",
        EventName = "ImportFinished")]
    public static partial void Finished(ILogger logger, string kind, bool dryRun, int rows, int created, int updated, int unchanged, int errors, double elapsedMs);

    [LoggerMessage(3281, LogLevel.Information, "CSV import of {Kind} refused: {Reason}", EventName = "ImportRefused")]
    public static partial void Rejected(ILogger logger, string kind, string reason);
}
