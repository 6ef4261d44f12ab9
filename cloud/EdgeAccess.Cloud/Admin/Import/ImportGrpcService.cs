using System.Text;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Cards;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Identity;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Import;

/// <summary>
/// The <c>edgeaccess.v1.ImportService</c> admin API: CSV bulk import of people, cards and
/// memberships. Policy: every row is validated; rows with errors are reported by line and column
/// and skipped; all valid rows are saved together in ONE <see cref="HubChanges"/> save, so the
/// feeds get one consistent batch and a failure of that save (e.g. a concurrent edit) writes
/// nothing. A dry run validates and reports the same way and saves nothing.
/// </summary>
public sealed partial class ImportGrpcService(
    HubDbContext db,
    HubChanges changes,
    Idempotency idempotency,
    CardNumberHasher hasher,
    IPasswordHasher<Entities.Card> pinHasher,
    TimeProvider time,
    ILogger<ImportGrpcService> logger) : ImportService.ServiceBase
{
    /// <summary>Largest CSV accepted, in UTF-8 bytes (5 MiB).</summary>
    public const int MaxCsvBytes = 5 * 1024 * 1024;

    /// <summary>Most data rows in one import (keeps the per-row report within a message).</summary>
    public const int MaxRows = 50_000;

    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin)]
    public override async Task<ImportCsvResponse> ImportCsv(ImportCsvRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        RowImporter importer = request.Kind switch
        {
            ImportKind.People => new PeopleImporter(db, time),
            ImportKind.Cards => new CardsImporter(db, hasher, pinHasher, time),
            ImportKind.Memberships => new MembershipsImporter(db, time),
            _ => throw ApiErrors.Invalid("kind", "must be PEOPLE, CARDS or MEMBERSHIPS"),
        };
        var size = Encoding.UTF8.GetByteCount(request.Csv);
        if (size > MaxCsvBytes)
        {
            ImportLog.Rejected(logger, importer.Kind, "too large");
            throw ApiErrors.Invalid("csv", $"is {size} bytes; at most {MaxCsvBytes} bytes (5 MiB) per import; split the file");
        }

        var (rows, malformed) = ImportTable.Split(CsvReader.Read(request.Csv), importer.Columns);
        if (rows.Count + malformed.Count > MaxRows)
        {
            throw ApiErrors.Invalid("csv", $"has {rows.Count + malformed.Count} rows; at most {MaxRows} per import; split the file");
        }

        if (request.DryRun)
        {
            return await RunAsync(importer, rows, malformed, dryRun: true, caller.ToActor(), ct);
        }

        // The stored request fingerprint is a keyed digest: a plain hash of a small file could be
        // brute-forced back to the card numbers and PINs in it.
        var fingerprint = request.Clone();
        fingerprint.Csv = Convert.ToHexString(hasher.Digest("import.csv", request.Csv));
        return await idempotency.CreateAsync(db, caller, request.RequestId, fingerprint, ImportCsvResponse.Parser,
            () => RunAsync(importer, rows, malformed, dryRun: false, caller.ToActor(request.RequestId), ct), ct);
    }

    private async Task<ImportCsvResponse> RunAsync(
        RowImporter importer, List<CsvRow> rows, List<(int Line, string Error)> malformed, bool dryRun, ChangeActor actor, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var report = new ImportReport(dryRun);
        foreach (var (line, error) in malformed)
        {
            report.Error(line, error);
        }

        await importer.PrepareAsync(rows, ct);
        foreach (var row in rows)
        {
            try
            {
                var (outcome, id) = importer.Apply(row);
                report.Add(row.Line, outcome, id);
            }
            catch (RpcException ex) when (ex.Status.StatusCode is StatusCode.InvalidArgument or StatusCode.AlreadyExists)
            {
                report.Error(row.Line, ex.Status.Detail);
            }
        }

        if (!dryRun && report.Changes > 0)
        {
            await AdminWrites.SaveAsync(changes, db, actor, "imported row", ct);
        }

        var response = report.ToResponse();
        ImportMetrics.Record(importer.Kind, dryRun, response);
        ImportLog.Finished(logger, importer.Kind, dryRun, rows.Count + malformed.Count, response.Created, response.Updated, response.Unchanged, response.Errors,
            time.GetElapsedTime(started).TotalMilliseconds);
        return response;
    }
}
