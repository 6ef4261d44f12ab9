using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.People;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Audit;

/// <summary>
/// The <c>edgeaccess.v1.AuditService</c> admin API: reads the audit trail, newest first. The trail
/// itself is written by <c>HubChanges</c> in the transaction of each change, with secrets redacted.
/// </summary>
public sealed class AuditGrpcService(HubDbContext db) : AuditService.ServiceBase
{
    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Auditor)]
    public override async Task<ListAuditEntriesResponse> ListAuditEntries(ListAuditEntriesRequest request, ServerCallContext context)
    {
        var entityType = Validate.OptionalText(request.EntityType, "entity_type", 100);
        var entityId = Validate.OptionalText(request.EntityId, "entity_id", 100);
        var actor = Validate.OptionalText(request.Actor, "actor", 200);
        var start = Validate.Time(request.StartTime, "start_time");
        var end = Validate.Time(request.EndTime, "end_time");
        if (start is not null && end is not null && end <= start)
        {
            throw ApiErrors.Invalid("end_time", "must be after start_time");
        }

        var fingerprint = $"audit|{entityType}|{entityId}|{actor}|{start:O}|{end:O}";
        var page = AuditPage.From(request.PageSize, request.PageToken, fingerprint);
        var query = db.AuditEntries.AsNoTracking();
        query = entityType is null ? query : query.Where(a => a.EntityType == entityType);
        query = entityId is null ? query : query.Where(a => a.EntityId == entityId);
        if (actor is not null)
        {
            var lower = actor.ToLowerInvariant();
            query = Guid.TryParse(actor, out var actorId)
                ? query.Where(a => a.ActorId == actorId)
                : query.Where(a => a.ActorName.ToLower() == lower);
        }

        query = start is { } from ? query.Where(a => a.At >= from) : query;
        query = end is { } to ? query.Where(a => a.At < to) : query;
        query = page.Before is { } before ? query.Where(a => a.Id < before) : query;

        var entries = await query.OrderByDescending(a => a.Id).Take(page.Size + 1).ToListAsync(context.CancellationToken);
        var response = new ListAuditEntriesResponse { NextPageToken = page.NextToken(entries, a => a.Id, fingerprint) };
        response.Entries.AddRange(entries.Select(a => new AuditEntry
        {
            Id = a.Id,
            Time = a.At.ToStoredTimestamp(),
            ActorId = a.ActorId?.ToString() ?? "",
            ActorName = a.ActorName,
            Action = a.Action,
            EntityType = a.EntityType,
            EntityId = a.EntityId,
            BeforeJson = a.Before ?? "",
            AfterJson = a.After ?? "",
            RequestId = a.RequestId ?? "",
        }));
        return response;
    }
}
