using EdgeAccess.Cloud.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace EdgeAccess.Cloud.Rights;

public sealed partial class ChangePlan
{
    // Seeds name what a change can affect; RightsCompiler.ResolveAsync expands them to people and
    // doors against the database. Both the old and the new value of a changed reference are seeded,
    // so whoever loses a right is recompiled as well as whoever gains one.
    private void AddSeeds(EntityEntry entry)
    {
        var deleted = entry.State == EntityState.Deleted;
        switch (entry.Entity)
        {
            case Site site:
                if (entry.State == EntityState.Added)
                {
                    NewSites.Add(site.Id);
                }

                if (!deleted)
                {
                    Sites.Add(site.Id);
                }

                break;
            case Door door:
                Doors[door.Id] = entry.State == EntityState.Added ? door.SiteId : Original<Guid>(entry, nameof(Door.SiteId));
                if (entry.State != EntityState.Added && (Changed(entry, nameof(Door.RequiresPin)) || Changed(entry, nameof(Door.SiteId))))
                {
                    DoorsWide.Add(door.Id);
                }

                break;
            case Person person:
                if (entry.State != EntityState.Added && Changed(entry, nameof(Person.Active)))
                {
                    Persons.Add(person.Id);
                }

                break;
            case Card card:
                Cards.Add(card.Id);
                CardRecords.Add(card.Id);
                Persons.Add(card.PersonId);
                if (entry.State != EntityState.Added)
                {
                    Persons.Add(Original<Guid>(entry, nameof(Card.PersonId)));
                }

                break;
            case Group group:
                if (entry.State != EntityState.Added && Changed(entry, nameof(Group.Active)))
                {
                    GroupsAllDoors.Add(group.Id);
                }

                break;
            case GroupNesting nesting:
                GroupsDoorsFrom.Add((nesting.ChildId, nesting.ParentId));
                if (entry.State == EntityState.Added)
                {
                    AddedNestings.Add(nesting);
                }

                break;
            case Membership membership:
                Persons.Add(membership.PersonId);
                if (entry.State != EntityState.Added)
                {
                    Persons.Add(Original<Guid>(entry, nameof(Membership.PersonId)));
                }

                break;
            case AccessScheme scheme:
                GroupScheme.Add((scheme.GroupId, scheme.Id));
                if (entry.State != EntityState.Added)
                {
                    GroupScheme.Add((Original<Guid>(entry, nameof(AccessScheme.GroupId)), scheme.Id));
                }

                break;
            case AccessSchemeDoor schemeDoor:
                SchemeDoors.Add((schemeDoor.SchemeId, schemeDoor.DoorId));
                break;
            case DirectGrant grant:
                Persons.Add(grant.PersonId);
                if (entry.State != EntityState.Added)
                {
                    Persons.Add(Original<Guid>(entry, nameof(DirectGrant.PersonId)));
                }

                break;
            case Schedule schedule:
                Schedules[schedule.Id] = entry.State == EntityState.Added ? schedule.SiteId : Original<Guid>(entry, nameof(Schedule.SiteId));
                break;
            case ScheduleCalendar link:
                Schedules.TryAdd(link.ScheduleId, Guid.Empty);
                break;
            case HolidayCalendar calendar:
                Calendars.Add(calendar.Id);
                break;
            case HolidayEntry holiday:
                Calendars.Add(holiday.CalendarId);
                break;
            case Booking or BookingResourceDoor or BookingRules:
                AddBookingSeeds(entry);
                break;
        }

        AddLabSeeds(entry);
    }
}
