using EdgeAccess.Cloud.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace EdgeAccess.Cloud.Rights;

public sealed partial class ChangePlan
{
    // An active booking opens its resource's doors for [start − early entry, end + grace] (see
    // RightsCalculator). What a booking-side change can affect, resolved against the database before
    // and after the save like every other seed:
    // - a booking (created, moved, approved, rejected, cancelled, checked in, handed to another
    //   person or resource): its person, old and new, on the doors of its resource, old and new;
    // - a door added to or removed from a resource: the resource's active bookers on that door;
    // - a rules record whose early-entry or grace minutes change: the resource's active bookers on
    //   all of its doors.
    // A resource's name, capacity or node and a booking's note change no right and seed nothing.
    private void AddBookingSeeds(EntityEntry entry)
    {
        switch (entry.Entity)
        {
            case Booking booking:
                if (entry.State == EntityState.Modified
                    && !(Changed(entry, nameof(Booking.Status)) || Changed(entry, nameof(Booking.StartsAt)) || Changed(entry, nameof(Booking.EndsAt))
                        || Changed(entry, nameof(Booking.PersonId)) || Changed(entry, nameof(Booking.ResourceId))))
                {
                    return;
                }

                PersonResources.Add((booking.PersonId, booking.ResourceId));
                if (entry.State != EntityState.Added)
                {
                    PersonResources.Add((Original<Guid>(entry, nameof(Booking.PersonId)), Original<Guid>(entry, nameof(Booking.ResourceId))));
                }

                break;
            case BookingResourceDoor door:
                ResourceBookers.Add((door.ResourceId, door.DoorId));
                break;
            case BookingRules rules:
                if (entry.State != EntityState.Added
                    && (Changed(entry, nameof(BookingRules.EarlyEntryMinutes)) || Changed(entry, nameof(BookingRules.GraceMinutes))))
                {
                    ResourceBookers.Add((rules.ResourceId, null));
                }

                break;
        }
    }
}
