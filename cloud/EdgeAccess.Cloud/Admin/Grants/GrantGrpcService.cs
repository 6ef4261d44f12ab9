using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Admin.Grants;

/// <summary>
/// <c>edgeaccess.v1.GrantService</c>: access schemes (group → doors of a site on a schedule) and
/// direct grants (person → door). Admins manage them; operators and auditors read.
/// </summary>
public sealed partial class GrantGrpcService(
    HubDbContext db, HubChanges changes, Idempotency idempotency, TimeProvider time, ILogger<GrantGrpcService> logger)
    : GrantService.ServiceBase
{
    private const string SchemeKind = "access scheme";

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<AccessScheme> CreateAccessScheme(CreateAccessSchemeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Scheme ?? throw ApiErrors.Invalid("scheme", "is required");
        var siteId = Validate.Id(input.SiteId, "scheme.site_id");
        var read = ReadScheme(input);
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, AccessScheme.Parser, async () =>
        {
            if (!await db.Sites.AnyAsync(s => s.Id == siteId, ct))
            {
                throw ApiErrors.Invalid("scheme.site_id", $"site {siteId} does not exist");
            }

            await CheckSchemeReferencesAsync(siteId, read, ct);
            await EnsureSchemeNameFreeAsync(siteId, read.Name, null, ct);
            var now = time.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            var scheme = new Stored.AccessScheme
            {
                Id = id,
                SiteId = siteId,
                GroupId = read.GroupId,
                ScheduleId = read.ScheduleId,
                Name = read.Name,
                RequiresPin = read.RequiresPin,
                ValidFrom = read.ValidFrom,
                ValidTo = read.ValidTo,
                Doors = [.. read.DoorIds.Select(d => new Stored.AccessSchemeDoor { SchemeId = id, DoorId = d })],
            };
            db.AccessSchemes.Add(scheme);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), SchemeKind, ct);
            AdminLog.Created(logger, caller.Username, SchemeKind, id);
            return ToProto(scheme);
        }, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<AccessScheme> GetAccessScheme(GetAccessSchemeRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var scheme = await db.AccessSchemes.AsNoTracking().Include(s => s.Doors).SingleOrDefaultAsync(s => s.Id == id, context.CancellationToken)
            ?? throw ApiErrors.NotFound(SchemeKind, id);
        return ToProto(scheme);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<ListAccessSchemesResponse> ListAccessSchemes(ListAccessSchemesRequest request, ServerCallContext context)
    {
        var siteId = Validate.OptionalId(request.SiteId, "site_id");
        var groupId = Validate.OptionalId(request.GroupId, "group_id");
        var doorId = Validate.OptionalId(request.DoorId, "door_id");
        var fingerprint = $"schemes|{siteId}|{groupId}|{doorId}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        var query = db.AccessSchemes.AsNoTracking().Include(s => s.Doors).AsQueryable();
        if (siteId is { } site)
        {
            query = query.Where(s => s.SiteId == site);
        }

        if (groupId is { } group)
        {
            query = query.Where(s => s.GroupId == group);
        }

        if (doorId is { } door)
        {
            query = query.Where(s => s.Doors.Any(d => d.DoorId == door));
        }

        if (page.After is { } after)
        {
            query = query.Where(s => s.Id > after);
        }

        var schemes = await query.OrderBy(s => s.Id).Take(page.Size + 1).AsSplitQuery().ToListAsync(context.CancellationToken);
        var response = new ListAccessSchemesResponse { NextPageToken = page.NextToken(schemes, s => s.Id, fingerprint) };
        response.Schemes.AddRange(schemes.Select(ToProto));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<AccessScheme> UpdateAccessScheme(UpdateAccessSchemeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Scheme ?? throw ApiErrors.Invalid("scheme", "is required");
        var id = Validate.Id(input.Id, "scheme.id");
        var etag = Validate.Etag(input.Etag, "scheme.etag");
        var siteId = Validate.OptionalId(input.SiteId, "scheme.site_id");
        var read = ReadScheme(input);

        var scheme = await db.AccessSchemes.Include(s => s.Doors).SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw ApiErrors.NotFound(SchemeKind, id);
        AdminWrites.CheckEtag(db, scheme, id, etag, SchemeKind);
        if (siteId is { } site && site != scheme.SiteId)
        {
            throw ApiErrors.Invalid("scheme.site_id", "cannot be changed; create a scheme on the other site instead");
        }

        await CheckSchemeReferencesAsync(scheme.SiteId, read, ct);
        if (scheme.Name != read.Name)
        {
            await EnsureSchemeNameFreeAsync(scheme.SiteId, read.Name, id, ct);
        }

        scheme.GroupId = read.GroupId;
        scheme.ScheduleId = read.ScheduleId;
        scheme.Name = read.Name;
        scheme.RequiresPin = read.RequiresPin;
        scheme.ValidFrom = read.ValidFrom;
        scheme.ValidTo = read.ValidTo;
        // Replace the door set row by row, so HubChanges sees exactly which doors left and joined.
        foreach (var row in scheme.Doors.Where(d => !read.DoorIds.Contains(d.DoorId)).ToList())
        {
            scheme.Doors.Remove(row);
            db.Remove(row);
        }

        foreach (var doorId in read.DoorIds.Where(d => !scheme.Doors.Any(row => row.DoorId == d)))
        {
            scheme.Doors.Add(new Stored.AccessSchemeDoor { SchemeId = id, DoorId = doorId });
        }

        if (db.ChangeTracker.HasChanges())
        {
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), SchemeKind, ct);
            AdminLog.Updated(logger, caller.Username, SchemeKind, id, scheme.Version);
        }

        return ToProto(scheme);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Empty> DeleteAccessScheme(DeleteAccessSchemeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var scheme = await db.AccessSchemes.Include(s => s.Doors).SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw ApiErrors.NotFound(SchemeKind, id);
        AdminWrites.CheckEtag(db, scheme, id, etag, SchemeKind);

        // The door rows go explicitly, so the change processor sees which rights they carried.
        db.RemoveRange(scheme.Doors);
        db.AccessSchemes.Remove(scheme);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), SchemeKind, ct);
        AdminLog.Deleted(logger, caller.Username, SchemeKind, id);
        return new Empty();
    }
}
