using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Admin.Sites;

/// <summary>
/// <c>edgeaccess.v1.SiteService</c>: sites and their doors. Admins manage everything; operators
/// create and update doors; operators and auditors read.
/// </summary>
public sealed partial class SiteGrpcService(
    HubDbContext db, HubChanges changes, Idempotency idempotency, TimeProvider time, ILogger<SiteGrpcService> logger)
    : SiteService.ServiceBase
{
    private const string SiteKind = "site";

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Site> CreateSite(CreateSiteRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Site ?? throw ApiErrors.Invalid("site", "is required");
        var name = Validate.Text(input.Name, "site.name");
        var zone = TimeZoneId(input.TimeZone, "site.time_zone");
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, Site.Parser, async () =>
        {
            await EnsureSiteNameFreeAsync(name, null, ct);
            var now = time.GetUtcNow();
            var site = new Stored.Site { Id = Guid.CreateVersion7(now), Name = name, TimeZone = zone, CreatedAt = now, UpdatedAt = now };
            db.Sites.Add(site);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), SiteKind, ct);
            AdminLog.Created(logger, caller.Username, SiteKind, site.Id);
            return ToProto(site);
        }, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<Site> GetSite(GetSiteRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var site = await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, context.CancellationToken)
            ?? throw ApiErrors.NotFound(SiteKind, id);
        return ToProto(site);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<ListSitesResponse> ListSites(ListSitesRequest request, ServerCallContext context)
    {
        var contains = Validate.OptionalText(request.NameContains, "name_contains");
        var fingerprint = $"sites|{contains}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        var query = db.Sites.AsNoTracking();
        if (contains is not null)
        {
            var pattern = AdminFields.ContainsPattern(contains);
            query = query.Where(s => EF.Functions.ILike(s.Name, pattern, AdminFields.LikeEscape));
        }

        if (page.After is { } after)
        {
            query = query.Where(s => s.Id > after);
        }

        var sites = await query.OrderBy(s => s.Id).Take(page.Size + 1).ToListAsync(context.CancellationToken);
        var response = new ListSitesResponse { NextPageToken = page.NextToken(sites, s => s.Id, fingerprint) };
        response.Sites.AddRange(sites.Select(ToProto));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Site> UpdateSite(UpdateSiteRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Site ?? throw ApiErrors.Invalid("site", "is required");
        var id = Validate.Id(input.Id, "site.id");
        var etag = Validate.Etag(input.Etag, "site.etag");
        var name = Validate.Text(input.Name, "site.name");
        var zone = TimeZoneId(input.TimeZone, "site.time_zone");

        var site = await db.Sites.SingleOrDefaultAsync(s => s.Id == id, ct) ?? throw ApiErrors.NotFound(SiteKind, id);
        AdminWrites.CheckEtag(db, site, id, etag, SiteKind);
        if (site.Name != name)
        {
            await EnsureSiteNameFreeAsync(name, id, ct);
        }

        site.Name = name;
        site.TimeZone = zone;
        if (db.ChangeTracker.HasChanges())
        {
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), SiteKind, ct);
            AdminLog.Updated(logger, caller.Username, SiteKind, id, site.Version);
        }

        return ToProto(site);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Empty> DeleteSite(DeleteSiteRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var site = await db.Sites.SingleOrDefaultAsync(s => s.Id == id, ct) ?? throw ApiErrors.NotFound(SiteKind, id);
        AdminWrites.CheckEtag(db, site, id, etag, SiteKind);

        var doors = await db.Doors.CountAsync(d => d.SiteId == id, ct);
        var schedules = await db.Schedules.CountAsync(s => s.SiteId == id, ct);
        var calendars = await db.HolidayCalendars.CountAsync(c => c.SiteId == id, ct);
        var schemes = await db.AccessSchemes.CountAsync(s => s.SiteId == id, ct);
        if (doors + schedules + calendars + schemes > 0)
        {
            AdminLog.DeleteRefused(logger, caller.Username, SiteKind, id);
            throw ApiErrors.FailedPrecondition(
                $"site {id} still has {doors} doors, {schedules} schedules, {calendars} holiday calendars and {schemes} access schemes; delete them first");
        }

        db.Sites.Remove(site);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), SiteKind, ct);
        AdminLog.Deleted(logger, caller.Username, SiteKind, id);
        return new Empty();
    }

    /// <summary>Checks an IANA time zone id against the tz database the schedules are evaluated with.</summary>
    internal static string TimeZoneId(string value, string field)
    {
        var id = Validate.Text(value, field, 100);
        return DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is not null
            ? id
            : throw ApiErrors.Invalid(field, $"unknown IANA time zone \"{id}\"");
    }

    private async Task EnsureSiteNameFreeAsync(string name, Guid? except, CancellationToken ct)
    {
        if (await db.Sites.AnyAsync(s => s.Name == name && s.Id != except, ct))
        {
            throw ApiErrors.AlreadyExists($"a site named \"{name}\" already exists");
        }
    }

    private static Site ToProto(Stored.Site site) => new()
    {
        Id = site.Id.ToString(),
        Name = site.Name,
        TimeZone = site.TimeZone,
        Etag = Validate.ToEtag(site.Version),
        CreateTime = AdminFields.ToTimestamp(site.CreatedAt),
        UpdateTime = AdminFields.ToTimestamp(site.UpdatedAt),
    };
}
