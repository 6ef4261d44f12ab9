using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Booking;

public sealed partial class BookingGrpcService
{
    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<BookableResource> CreateResource(CreateResourceRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Resource ?? throw ApiErrors.Invalid("resource", "is required");
        var siteId = Validate.Id(input.SiteId, "resource.site_id");
        var fields = ReadResource(input);
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, BookableResource.Parser, async () =>
        {
            var zone = await db.Sites.Where(s => s.Id == siteId).Select(s => s.TimeZone).SingleOrDefaultAsync(ct)
                ?? throw ApiErrors.Invalid("resource.site_id", $"site {siteId} does not exist");
            await CheckReferencesAsync(siteId, fields, null, ct);
            var resource = new Stored.BookingResource { Id = AdminWrites.NewId(time), SiteId = siteId, Name = fields.Name };
            Apply(resource, fields);
            db.BookingResources.Add(resource);
            db.BookingRules.Add(new Stored.BookingRules { ResourceId = resource.Id });
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), ResourceKind, ct);
            BookingLog.Admin(logger, caller.Username, "created", ResourceKind, resource.Id);
            return resource.ToProto(zone);
        }, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor, UserRole.Member)]
    public override async Task<BookableResource> GetResource(GetResourceRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var found = await _policy.LoadAsync(id, context.CancellationToken);
        return found.Resource.ToProto(found.Grid.Zone.Id);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor, UserRole.Member)]
    public override async Task<ListResourcesResponse> ListResources(ListResourcesRequest request, ServerCallContext context)
    {
        var siteId = Validate.OptionalId(request.SiteId, "site_id");
        var fingerprint = $"resources|{siteId}|{request.Kind}|{request.ActiveOnly}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        var query = db.BookingResources.AsNoTracking().Include(r => r.Doors).AsQueryable();
        if (siteId is { } site)
        {
            query = query.Where(r => r.SiteId == site);
        }

        if (request.Kind != Protos.V1.ResourceKind.Unspecified)
        {
            var kind = (Stored.BookingResourceKind)(int)request.Kind;
            query = query.Where(r => r.Kind == kind);
        }

        if (request.ActiveOnly)
        {
            query = query.Where(r => r.Active);
        }

        if (page.After is { } after)
        {
            query = query.Where(r => r.Id > after);
        }

        var rows = await query.OrderBy(r => r.Id).Take(page.Size + 1)
            .Join(db.Sites, r => r.SiteId, s => s.Id, (r, s) => new { Resource = r, s.TimeZone })
            .ToListAsync(context.CancellationToken);
        var response = new ListResourcesResponse { NextPageToken = page.NextToken(rows, r => r.Resource.Id, fingerprint) };
        response.Resources.AddRange(rows.Select(r => r.Resource.ToProto(r.TimeZone)));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<BookableResource> UpdateResource(UpdateResourceRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Resource ?? throw ApiErrors.Invalid("resource", "is required");
        var id = Validate.Id(input.Id, "resource.id");
        var etag = Validate.Etag(input.Etag, "resource.etag");
        var siteId = Validate.OptionalId(input.SiteId, "resource.site_id");
        var fields = ReadResource(input);
        var resource = await db.BookingResources.Include(r => r.Doors).SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw ApiErrors.NotFound(ResourceKind, id);
        AdminWrites.CheckEtag(db, resource, id, etag, ResourceKind);
        if (siteId is { } site && site != resource.SiteId)
        {
            throw ApiErrors.Invalid("resource.site_id", "cannot be changed; create the resource on the other site instead");
        }

        await CheckReferencesAsync(resource.SiteId, fields, id, ct);
        var doorsChanged = !resource.Doors.Select(d => d.DoorId).ToHashSet().SetEquals(fields.Doors);
        Apply(resource, fields);
        if (doorsChanged && db.Entry(resource).State == EntityState.Unchanged)
        {
            // Only the door rows changed: the resource's etag must still move on.
            resource.Version++;
        }

        if (db.ChangeTracker.HasChanges())
        {
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), ResourceKind, ct);
            BookingLog.Admin(logger, caller.Username, "updated", ResourceKind, id);
        }

        var zone = await db.Sites.Where(s => s.Id == resource.SiteId).Select(s => s.TimeZone).SingleAsync(ct);
        return resource.ToProto(zone);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Empty> DeleteResource(DeleteResourceRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var resource = await db.BookingResources.SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw ApiErrors.NotFound(ResourceKind, id);
        AdminWrites.CheckEtag(db, resource, id, etag, ResourceKind);
        var bookings = await db.Bookings.CountAsync(b => b.ResourceId == id, ct);
        if (bookings > 0)
        {
            throw ApiErrors.FailedPrecondition($"resource {id} still has {bookings} bookings; set it inactive instead");
        }

        db.BookingResources.Remove(resource);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), ResourceKind, ct);
        BookingLog.Admin(logger, caller.Username, "deleted", ResourceKind, id);
        return new Empty();
    }
}
