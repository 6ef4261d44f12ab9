using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Admin.Sites;

public sealed partial class SiteGrpcService
{
    private const string DoorKind = "door";

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator)]
    public override async Task<Door> CreateDoor(CreateDoorRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Door ?? throw ApiErrors.Invalid("door", "is required");
        var siteId = Validate.Id(input.SiteId, "door.site_id");
        var (name, direction) = ReadDoor(input);
        return await idempotency.CreateAsync(db, caller, request.RequestId, request, Door.Parser, async () =>
        {
            if (!await db.Sites.AnyAsync(s => s.Id == siteId, ct))
            {
                throw ApiErrors.Invalid("door.site_id", $"site {siteId} does not exist");
            }

            await EnsureDoorNameFreeAsync(siteId, name, null, ct);
            var now = time.GetUtcNow();
            var door = new Stored.Door
            {
                Id = Guid.CreateVersion7(now),
                SiteId = siteId,
                Name = name,
                Direction = direction,
                RequiresPin = input.RequiresPin,
            };
            db.Doors.Add(door);
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(request.RequestId), DoorKind, ct);
            AdminLog.Created(logger, caller.Username, DoorKind, door.Id);
            return ToProto(door);
        }, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<Door> GetDoor(GetDoorRequest request, ServerCallContext context)
    {
        var id = Validate.Id(request.Id, "id");
        var door = await db.Doors.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, context.CancellationToken)
            ?? throw ApiErrors.NotFound(DoorKind, id);
        return ToProto(door);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<ListDoorsResponse> ListDoors(ListDoorsRequest request, ServerCallContext context)
    {
        var siteId = Validate.OptionalId(request.SiteId, "site_id");
        var contains = Validate.OptionalText(request.NameContains, "name_contains");
        var fingerprint = $"doors|{siteId}|{contains}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);
        var query = db.Doors.AsNoTracking();
        if (siteId is { } site)
        {
            query = query.Where(d => d.SiteId == site);
        }

        if (contains is not null)
        {
            var pattern = AdminFields.ContainsPattern(contains);
            query = query.Where(d => EF.Functions.ILike(d.Name, pattern, AdminFields.LikeEscape));
        }

        if (page.After is { } after)
        {
            query = query.Where(d => d.Id > after);
        }

        var doors = await query.OrderBy(d => d.Id).Take(page.Size + 1).ToListAsync(context.CancellationToken);
        var response = new ListDoorsResponse { NextPageToken = page.NextToken(doors, d => d.Id, fingerprint) };
        response.Doors.AddRange(doors.Select(ToProto));
        return response;
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator)]
    public override async Task<Door> UpdateDoor(UpdateDoorRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Door ?? throw ApiErrors.Invalid("door", "is required");
        var id = Validate.Id(input.Id, "door.id");
        var etag = Validate.Etag(input.Etag, "door.etag");
        var siteId = Validate.OptionalId(input.SiteId, "door.site_id");
        var (name, direction) = ReadDoor(input);

        var door = await db.Doors.SingleOrDefaultAsync(d => d.Id == id, ct) ?? throw ApiErrors.NotFound(DoorKind, id);
        AdminWrites.CheckEtag(db, door, id, etag, DoorKind);
        if (siteId is { } site && site != door.SiteId)
        {
            throw ApiErrors.Invalid("door.site_id", "cannot be changed; create the door on the other site instead");
        }

        if (door.Name != name)
        {
            await EnsureDoorNameFreeAsync(door.SiteId, name, id, ct);
        }

        door.Name = name;
        door.Direction = direction;
        door.RequiresPin = input.RequiresPin;
        if (db.ChangeTracker.HasChanges())
        {
            await AdminWrites.SaveAsync(changes, db, caller.ToActor(), DoorKind, ct);
            AdminLog.Updated(logger, caller.Username, DoorKind, id, door.Version);
        }

        return ToProto(door);
    }

    /// <inheritdoc />
    [Allow(UserRole.Admin)]
    public override async Task<Empty> DeleteDoor(DeleteDoorRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var id = Validate.Id(request.Id, "id");
        var etag = Validate.Etag(request.Etag, "etag");
        var door = await db.Doors.SingleOrDefaultAsync(d => d.Id == id, ct) ?? throw ApiErrors.NotFound(DoorKind, id);
        AdminWrites.CheckEtag(db, door, id, etag, DoorKind);

        var schemes = await db.AccessSchemes.Where(s => s.Doors.Any(d => d.DoorId == id)).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(ct);
        var grants = await db.DirectGrants.CountAsync(g => g.DoorId == id, ct);
        if (schemes.Count + grants > 0)
        {
            AdminLog.DeleteRefused(logger, caller.Username, DoorKind, id);
            throw ApiErrors.FailedPrecondition(
                $"door {id} is still used by {schemes.Count} access schemes{(schemes.Count > 0 ? " (" + AdminFields.Names(schemes) + ")" : "")} and {grants} direct grants; remove it from them first");
        }

        db.Doors.Remove(door);
        await AdminWrites.SaveAsync(changes, db, caller.ToActor(), DoorKind, ct);
        AdminLog.Deleted(logger, caller.Username, DoorKind, id);
        return new Empty();
    }

    private static (string Name, Stored.DoorDirection Direction) ReadDoor(Door input)
    {
        var name = Validate.Text(input.Name, "door.name");
        var direction = input.Direction switch
        {
            DoorDirection.Entry => Stored.DoorDirection.Entry,
            DoorDirection.Exit => Stored.DoorDirection.Exit,
            DoorDirection.Both => Stored.DoorDirection.Both,
            _ => throw ApiErrors.Invalid("door.direction", "must be DOOR_DIRECTION_ENTRY, DOOR_DIRECTION_EXIT or DOOR_DIRECTION_BOTH"),
        };
        return (name, direction);
    }

    private async Task EnsureDoorNameFreeAsync(Guid siteId, string name, Guid? except, CancellationToken ct)
    {
        if (await db.Doors.AnyAsync(d => d.SiteId == siteId && d.Name == name && d.Id != except, ct))
        {
            throw ApiErrors.AlreadyExists($"a door named \"{name}\" already exists on site {siteId}");
        }
    }

    private static Door ToProto(Stored.Door door) => new()
    {
        Id = door.Id.ToString(),
        SiteId = door.SiteId.ToString(),
        Name = door.Name,
        Direction = door.Direction switch
        {
            Stored.DoorDirection.Exit => DoorDirection.Exit,
            Stored.DoorDirection.Both => DoorDirection.Both,
            _ => DoorDirection.Entry,
        },
        RequiresPin = door.RequiresPin,
        Etag = Validate.ToEtag(door.Version),
        CreateTime = AdminFields.ToTimestamp(door.CreatedAt),
        UpdateTime = AdminFields.ToTimestamp(door.UpdatedAt),
    };
}
