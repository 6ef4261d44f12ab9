using System.Text.Json;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Booking;

public sealed partial class BookingGrpcService
{
    private const int MaxDoors = 100;
    private const int MaxPrograms = 32;

    private sealed record ResourceFields(
        string Name, Stored.BookingResourceKind Kind, string Description, int Capacity, List<Guid> Doors, string? NodeId, List<string> Programs, bool? Active, LabFields? Lab);

    private static ResourceFields ReadResource(BookableResource input)
    {
        var name = Validate.Text(input.Name, "resource.name");
        var kind = input.Kind switch
        {
            Protos.V1.ResourceKind.LabInstallation => Stored.BookingResourceKind.LabInstallation,
            Protos.V1.ResourceKind.Room => Stored.BookingResourceKind.Room,
            Protos.V1.ResourceKind.Device => Stored.BookingResourceKind.Device,
            _ => throw ApiErrors.Invalid("resource.kind", "must be RESOURCE_KIND_LAB_INSTALLATION, RESOURCE_KIND_ROOM or RESOURCE_KIND_DEVICE"),
        };
        var description = Validate.OptionalText(input.Description, "resource.description", 2000) ?? "";
        if (input.Capacity < 0)
        {
            throw ApiErrors.Invalid("resource.capacity", "must not be negative");
        }

        var doors = AdminFields.ReadIds(input.DoorIds, "resource.door_ids", MaxDoors);
        var node = Validate.OptionalText(input.NodeId, "resource.node_id", 63);
        AdminFields.AtMost(input.ControlPrograms.Count, MaxPrograms, "resource.control_programs");
        var programs = input.ControlPrograms.Select(ReadProgram).ToList();
        var lab = ReadLabPolicy(input.LabPolicy);
        return new ResourceFields(name, kind, description, Math.Max(1, input.Capacity), doors, node, programs, input.HasActive ? input.Active : null, lab);
    }

    private async Task CheckReferencesAsync(Guid siteId, ResourceFields fields, Guid? except, CancellationToken ct)
    {
        var doorSites = await db.Doors.Where(d => fields.Doors.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.SiteId, ct);
        for (var i = 0; i < fields.Doors.Count; i++)
        {
            if (!doorSites.TryGetValue(fields.Doors[i], out var doorSite))
            {
                throw ApiErrors.Invalid(AdminFields.Indexed("resource.door_ids", i), $"door {fields.Doors[i]} does not exist");
            }

            if (doorSite != siteId)
            {
                throw ApiErrors.Invalid(AdminFields.Indexed("resource.door_ids", i), $"door {fields.Doors[i]} belongs to another site");
            }
        }

        if (fields.NodeId is { } node && !await db.Nodes.AnyAsync(n => n.Id == node && n.SiteId == siteId, ct))
        {
            throw ApiErrors.Invalid("resource.node_id", $"node {node} does not exist on this site");
        }

        if (await db.BookingResources.AnyAsync(r => r.SiteId == siteId && r.Name == fields.Name && r.Id != except, ct))
        {
            throw ApiErrors.AlreadyExists($"a resource named \"{fields.Name}\" already exists on site {siteId}");
        }
    }

    private static void Apply(Stored.BookingResource resource, ResourceFields fields)
    {
        resource.Name = fields.Name;
        resource.Kind = fields.Kind;
        resource.Description = fields.Description;
        resource.Capacity = fields.Capacity;
        resource.NodeId = fields.NodeId;
        var programs = JsonSerializer.Serialize(fields.Programs);
        if (resource.ControlPrograms != programs)
        {
            resource.ControlPrograms = programs;
        }

        resource.Active = fields.Active ?? resource.Active;
        ApplyLabPolicy(resource, fields.Lab);
        CheckLabNode(resource);
        resource.Doors.RemoveAll(d => !fields.Doors.Contains(d.DoorId));
        foreach (var door in fields.Doors.Where(d => resource.Doors.All(x => x.DoorId != d)))
        {
            resource.Doors.Add(new Stored.BookingResourceDoor { ResourceId = resource.Id, DoorId = door });
        }
    }
}
