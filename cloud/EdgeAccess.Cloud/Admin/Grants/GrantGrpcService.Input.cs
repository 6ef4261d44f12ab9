using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.Grants;

public sealed partial class GrantGrpcService
{
    private const int MaxSchemeDoors = 1000;
    private const int MaxReasonLength = 500;

    /// <summary>The checked mutable fields of a scheme.</summary>
    private sealed record SchemeInput(Guid GroupId, Guid ScheduleId, string Name, bool RequiresPin, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, List<Guid> DoorIds);

    /// <summary>The checked mutable fields of a direct grant.</summary>
    private sealed record GrantInput(Guid DoorId, Guid ScheduleId, bool RequiresPin, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, string Reason);

    private static SchemeInput ReadScheme(AccessScheme input)
    {
        var groupId = Validate.Id(input.GroupId, "scheme.group_id");
        var scheduleId = Validate.Id(input.ScheduleId, "scheme.schedule_id");
        var name = Validate.Text(input.Name, "scheme.name");
        var (from, to) = AdminFields.Window(input.ValidFrom, input.ValidTo, "scheme.valid_from", "scheme.valid_to");
        var doors = AdminFields.ReadIds(input.DoorIds, "scheme.door_ids", MaxSchemeDoors);
        return new SchemeInput(groupId, scheduleId, name, input.RequiresPin, from, to, doors);
    }

    private static GrantInput ReadGrant(DirectGrant input)
    {
        var doorId = Validate.Id(input.DoorId, "grant.door_id");
        var scheduleId = Validate.Id(input.ScheduleId, "grant.schedule_id");
        var (from, to) = AdminFields.Window(input.ValidFrom, input.ValidTo, "grant.valid_from", "grant.valid_to");
        var reason = Validate.OptionalText(input.Reason, "grant.reason", MaxReasonLength) ?? "";
        return new GrantInput(doorId, scheduleId, input.RequiresPin, from, to, reason);
    }

    /// <summary>The group must exist; the schedule and every door must belong to the scheme's site.</summary>
    private async Task CheckSchemeReferencesAsync(Guid siteId, SchemeInput input, CancellationToken ct)
    {
        if (!await db.Groups.AnyAsync(g => g.Id == input.GroupId, ct))
        {
            throw ApiErrors.Invalid("scheme.group_id", $"group {input.GroupId} does not exist");
        }

        var scheduleSite = await ScheduleSiteAsync(input.ScheduleId, ct) ?? throw ApiErrors.Invalid("scheme.schedule_id", $"schedule {input.ScheduleId} does not exist");
        if (scheduleSite != siteId)
        {
            throw ApiErrors.Invalid("scheme.schedule_id", $"schedule {input.ScheduleId} belongs to another site than the scheme");
        }

        var doorSites = await db.Doors.AsNoTracking().Where(d => input.DoorIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.SiteId, ct);
        for (var i = 0; i < input.DoorIds.Count; i++)
        {
            var field = AdminFields.Indexed("scheme.door_ids", i);
            if (!doorSites.TryGetValue(input.DoorIds[i], out var doorSite))
            {
                throw ApiErrors.Invalid(field, $"door {input.DoorIds[i]} does not exist");
            }

            if (doorSite != siteId)
            {
                throw ApiErrors.Invalid(field, $"door {input.DoorIds[i]} is on another site than the scheme");
            }
        }
    }

    /// <summary>The door must exist and the schedule must belong to the door's site.</summary>
    private async Task CheckGrantReferencesAsync(GrantInput input, CancellationToken ct)
    {
        var doorSite = await db.Doors.Where(d => d.Id == input.DoorId).Select(d => (Guid?)d.SiteId).SingleOrDefaultAsync(ct)
            ?? throw ApiErrors.Invalid("grant.door_id", $"door {input.DoorId} does not exist");
        var scheduleSite = await ScheduleSiteAsync(input.ScheduleId, ct) ?? throw ApiErrors.Invalid("grant.schedule_id", $"schedule {input.ScheduleId} does not exist");
        if (scheduleSite != doorSite)
        {
            throw ApiErrors.Invalid("grant.schedule_id", $"schedule {input.ScheduleId} belongs to another site than door {input.DoorId}");
        }
    }

    private Task<Guid?> ScheduleSiteAsync(Guid scheduleId, CancellationToken ct) =>
        db.Schedules.Where(s => s.Id == scheduleId).Select(s => (Guid?)s.SiteId).SingleOrDefaultAsync(ct);

    private async Task EnsureSchemeNameFreeAsync(Guid siteId, string name, Guid? except, CancellationToken ct)
    {
        if (await db.AccessSchemes.AnyAsync(s => s.SiteId == siteId && s.Name == name && s.Id != except, ct))
        {
            throw ApiErrors.AlreadyExists($"an access scheme named \"{name}\" already exists on site {siteId}");
        }
    }

    private static AccessScheme ToProto(Stored.AccessScheme scheme)
    {
        var proto = new AccessScheme
        {
            Id = scheme.Id.ToString(),
            SiteId = scheme.SiteId.ToString(),
            GroupId = scheme.GroupId.ToString(),
            ScheduleId = scheme.ScheduleId.ToString(),
            Name = scheme.Name,
            RequiresPin = scheme.RequiresPin,
            ValidFrom = AdminFields.ToTimestamp(scheme.ValidFrom),
            ValidTo = AdminFields.ToTimestamp(scheme.ValidTo),
            Etag = Validate.ToEtag(scheme.Version),
            CreateTime = AdminFields.ToTimestamp(scheme.CreatedAt),
            UpdateTime = AdminFields.ToTimestamp(scheme.UpdatedAt),
        };
        proto.DoorIds.AddRange(scheme.Doors.Select(d => d.DoorId).Order().Select(id => id.ToString()));
        return proto;
    }

    private static DirectGrant ToProto(Stored.DirectGrant grant) => new()
    {
        Id = grant.Id.ToString(),
        PersonId = grant.PersonId.ToString(),
        DoorId = grant.DoorId.ToString(),
        ScheduleId = grant.ScheduleId.ToString(),
        RequiresPin = grant.RequiresPin,
        ValidFrom = AdminFields.ToTimestamp(grant.ValidFrom),
        ValidTo = AdminFields.ToTimestamp(grant.ValidTo),
        Reason = grant.Reason,
        Etag = Validate.ToEtag(grant.Version),
        CreateTime = AdminFields.ToTimestamp(grant.CreatedAt),
        UpdateTime = AdminFields.ToTimestamp(grant.UpdatedAt),
    };
}
