using EdgeAccess.Cloud.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace EdgeAccess.Cloud.Rights;

public sealed partial class ChangePlan
{
    // The replicated columns of a resource (replica.proto ResourceRecord; its site decides the feed).
    // Maintenance, description, kind and capacity are not replicated and seed nothing.
    private static readonly string[] ResourceRecordColumns =
    [
        nameof(BookingResource.Name), nameof(BookingResource.SiteId), nameof(BookingResource.NodeId), nameof(BookingResource.ControlPrograms),
        nameof(BookingResource.LabMode), nameof(BookingResource.LabWarningSeconds), nameof(BookingResource.LabGraceSeconds),
        nameof(BookingResource.LabIntervalSeconds), nameof(BookingResource.LabExemptAccounts), nameof(BookingResource.LabOsGroup),
        nameof(BookingResource.Active),
    ];

    // The columns a BookingRecord is built from, and those that decide whether it exists.
    private static readonly string[] BookingRecordColumns =
    [
        nameof(Booking.Status), nameof(Booking.StartsAt), nameof(Booking.EndsAt), nameof(Booking.PersonId), nameof(Booking.ResourceId),
    ];

    private static readonly string[] NodeAccountRecordColumns =
    [
        nameof(NodeAccount.NodeId), nameof(NodeAccount.Uid), nameof(NodeAccount.Name), nameof(NodeAccount.PersonId),
    ];

    // The lab-process records (replica.proto ResourceRecord, BookingRecord, NodeAccountRecord) a
    // change can add, alter, move or remove. Records are named by entity id; ReplicaRecords removes
    // a record from whichever site holds it and writes it where it now belongs, so a seed needs no
    // "before" site. Changes whose effect only the database knows are resolved against it before
    // and after the save (RightsCompiler.ResolveLabRecordsAsync):
    // - a resource's node or site changes, or it is deleted: the records of its active bookings;
    // - its grace minutes change: the same (they decide when a booking is pruned);
    // - a person is deleted: their linked accounts (node_accounts.person_id is ON DELETE SET NULL);
    // - a node is deleted or moves to another site: its accounts (ON DELETE CASCADE).
    private void AddLabSeeds(EntityEntry entry)
    {
        var modified = entry.State == EntityState.Modified;
        switch (entry.Entity)
        {
            case BookingResource resource:
                if (!modified || ResourceRecordColumns.Any(c => Changed(entry, c)))
                {
                    ResourceRecords.Add(resource.Id);
                }

                if (entry.State == EntityState.Deleted || (modified && (Changed(entry, nameof(BookingResource.NodeId)) || Changed(entry, nameof(BookingResource.SiteId)))))
                {
                    ResourceBookingRecords.Add(resource.Id);
                }

                break;
            case Booking booking:
                if (!modified || BookingRecordColumns.Any(c => Changed(entry, c)))
                {
                    BookingRecords.Add(booking.Id);
                }

                break;
            case BookingRules rules:
                if (modified && Changed(entry, nameof(BookingRules.GraceMinutes)))
                {
                    ResourceBookingRecords.Add(rules.ResourceId);
                }

                break;
            case NodeAccount account:
                if (!modified || NodeAccountRecordColumns.Any(c => Changed(entry, c)))
                {
                    NodeAccountRecords.Add(account.Id);
                }

                break;
            case Person person when entry.State == EntityState.Deleted:
                PersonNodeAccounts.Add(person.Id);
                break;
            case Node node when entry.State == EntityState.Deleted || (modified && Changed(entry, nameof(Node.SiteId))):
                NodeNodeAccounts.Add(node.Id);
                break;
        }
    }

    /// <summary>
    /// A plan that recompiles <paramref name="bookings"/> (id, person, resource): the person's rights
    /// on the resource's doors and the booking's record. Used by the pruner, which changes no row.
    /// </summary>
    internal static ChangePlan ForBookings(IEnumerable<(Guid Id, Guid Person, Guid Resource)> bookings)
    {
        var plan = new ChangePlan();
        foreach (var (id, person, resource) in bookings)
        {
            plan.PersonResources.Add((person, resource));
            plan.BookingRecords.Add(id);
        }

        return plan;
    }
}
