using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Admin.Grants;

public sealed partial class GrantGrpcService
{
    private const string GrantKind = "direct grant";

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<DirectGrant> CreateDirectGrant(CreateDirectGrantRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Grant ?? throw ApiErrors.Invalid("grant", "is required");
        var personId = Validate.Id(input.PersonId, "grant.person_id");
        var read = ReadGrant(input);
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, DirectGrant.Parser, async () =>
        {
            if (!await db.People.AnyAsync(p => p.Id == personId, ct))
            {
                throw ApiErrors.Invalid("grant.person_id", $"person {personId} does not exist");
            }

            await CheckGrantReferencesAsync(read, ct);
            var now = time.GetUtcNow();
            var grant = new Stored.DirectGrant
            {
                Id = Guid.CreateVersion7(now),
                PersonId = personId,
                DoorId = read.DoorId,
                ScheduleId = read.ScheduleId,
                RequiresPin = read.RequiresPin,
                ValidFrom = read.ValidFrom,
                ValidTo = read.ValidTo,
                Reason = read.Reason,
            };
            db.DirectGrants.Add(grant);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), GrantKind, ct);
            AdminLog.Created(logger, caller.Username, GrantKind, grant.Id);
            return ToProto(grant);
        }, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<DirectGrant> GetDirectGrant(GetDirectGrantRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var grant = await db.DirectGrants.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, context.CancellationToken)
            ?? throw ApiErrors.NotFound(GrantKind, id);
        return ToProto(grant);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<ListDirectGrantsResponse> ListDirectGrants(ListDirectGrantsRequest request, ServerCallContext context)
    {
        var personId = Validate.OptionalId(request.PersonId, "person_id");
        var doorId = Validate.OptionalId(request.DoorId, "door_id");
        var fingerprint = $"grants|{personId}|{doorId}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        var query = db.DirectGrants.AsNoTracking();
        if (personId is { } person)
        {
            query = query.Where(g => g.PersonId == person);
        }

        if (doorId is { } door)
        {
            query = query.Where(g => g.DoorId == door);
        }

        if (page.After is { } after)
        {
            query = query.Where(g => g.Id > after);
        }

        var grants = await query.OrderBy(g => g.Id).Take(page.Size + 1).ToListAsync(context.CancellationToken);
        var response = new ListDirectGrantsResponse { NextPageToken = page.NextToken(grants, g => g.Id, fingerprint) };
        response.Grants.AddRange(grants.Select(ToProto));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<DirectGrant> UpdateDirectGrant(UpdateDirectGrantRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Grant ?? throw ApiErrors.Invalid("grant", "is required");
        var id = Validate.Id(input.Id, "grant.id");
        var etag = Validate.Etag(input.Etag, "grant.etag");
        var personId = Validate.OptionalId(input.PersonId, "grant.person_id");
        var read = ReadGrant(input);

        var grant = await db.DirectGrants.SingleOrDefaultAsync(g => g.Id == id, ct) ?? throw ApiErrors.NotFound(GrantKind, id);
        AdminWrites.CheckEtag(db, grant, id, etag, GrantKind);
        if (personId is { } person && person != grant.PersonId)
        {
            throw ApiErrors.Invalid("grant.person_id", "cannot be changed; grant the other person separately");
        }

        await CheckGrantReferencesAsync(read, ct);
        grant.DoorId = read.DoorId;
        grant.ScheduleId = read.ScheduleId;
        grant.RequiresPin = read.RequiresPin;
        grant.ValidFrom = read.ValidFrom;
        grant.ValidTo = read.ValidTo;
        grant.Reason = read.Reason;
        if (db.ChangeTracker.HasChanges())
        {
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), GrantKind, ct);
            AdminLog.Updated(logger, caller.Username, GrantKind, id, grant.Version);
        }

        return ToProto(grant);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Empty> DeleteDirectGrant(DeleteDirectGrantRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var grant = await db.DirectGrants.SingleOrDefaultAsync(g => g.Id == id, ct) ?? throw ApiErrors.NotFound(GrantKind, id);
        AdminWrites.CheckEtag(db, grant, id, etag, GrantKind);
        db.DirectGrants.Remove(grant);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), GrantKind, ct);
        AdminLog.Deleted(logger, caller.Username, GrantKind, id);
        return new Empty();
    }
}
