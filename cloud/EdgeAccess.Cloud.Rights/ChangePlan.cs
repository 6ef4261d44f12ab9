using EdgeAccess.Cloud.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace EdgeAccess.Cloud.Rights;

/// <summary>
/// What a set of tracked admin changes means for the rest of the hub: the audit rows to write, the
/// people and doors whose rights must be recompiled (as seeds, resolved against the database before
/// and after the save), and the replicated records (sites, doors, cards, schedules; resources,
/// bookings and node accounts of the lab-process policy) to republish.
/// </summary>
public sealed partial class ChangePlan
{
    /// <summary>The audit trail rows for the change.</summary>
    public List<AuditEntry> AuditEntries { get; } = [];

    /// <summary>True when nothing is tracked as changed.</summary>
    public bool IsEmpty => AuditEntries.Count == 0 && !HasSeeds;

    internal HashSet<Guid> Persons { get; } = [];
    internal HashSet<Guid> Cards { get; } = [];
    internal HashSet<Guid> GroupsAllDoors { get; } = [];
    internal List<(Guid Group, Guid DoorsFromGroup)> GroupsDoorsFrom { get; } = [];
    internal List<(Guid Scheme, Guid Door)> SchemeDoors { get; } = [];
    internal List<(Guid Group, Guid Scheme)> GroupScheme { get; } = [];
    internal HashSet<Guid> DoorsWide { get; } = [];
    internal List<(Guid Person, Guid Resource)> PersonResources { get; } = [];   // a booking: its person on the resource's doors
    internal List<(Guid Resource, Guid? Door)> ResourceBookers { get; } = [];    // active bookers of the resource on one door (null: all)

    internal HashSet<Guid> Sites { get; } = [];
    internal HashSet<Guid> NewSites { get; } = [];
    internal Dictionary<Guid, Guid> Doors { get; } = [];          // door -> site before the change
    internal HashSet<Guid> CardRecords { get; } = [];
    internal Dictionary<Guid, Guid> Schedules { get; } = [];      // schedule -> site
    internal HashSet<Guid> Calendars { get; } = [];
    internal List<GroupNesting> AddedNestings { get; } = [];

    // The lab-process records (see ChangePlan.Lab.cs).
    internal HashSet<Guid> ResourceRecords { get; } = [];
    internal HashSet<Guid> BookingRecords { get; } = [];
    internal HashSet<Guid> ResourceBookingRecords { get; } = [];   // a resource: the records of its active bookings
    internal HashSet<Guid> NodeAccountRecords { get; } = [];
    internal HashSet<Guid> PersonNodeAccounts { get; } = [];       // a deleted person: the records of its linked accounts
    internal HashSet<string> NodeNodeAccounts { get; } = [];       // a node deleted or moved: the records of its accounts

    private bool HasSeeds => Persons.Count + Cards.Count + GroupsAllDoors.Count + GroupsDoorsFrom.Count + SchemeDoors.Count
        + GroupScheme.Count + DoorsWide.Count + PersonResources.Count + ResourceBookers.Count + Sites.Count + Doors.Count + CardRecords.Count + Schedules.Count + Calendars.Count
        + ResourceRecords.Count + BookingRecords.Count + ResourceBookingRecords.Count + NodeAccountRecords.Count + PersonNodeAccounts.Count + NodeNodeAccounts.Count > 0;

    internal static ChangePlan FromTracker(ChangeTracker tracker, ChangeActor actor, DateTimeOffset now)
    {
        tracker.DetectChanges();
        BumpParentsOfChangedChildren(tracker, now);
        var plan = new ChangePlan();
        foreach (var entry in tracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList())
        {
            if (entry.State == EntityState.Modified && !entry.Properties.Any(p => p.IsModified && !IsBookkeeping(p.Metadata.Name)))
            {
                continue;
            }

            Stamp(entry, now);
            plan.AddAudit(entry, actor, now);
            plan.AddSeeds(entry);
        }

        return plan;
    }

    /// <summary>
    /// A scheme's doors, a calendar's holidays and a schedule's calendar links are rows of their
    /// own, but part of their parent: when only they change, the parent's version (its etag) must
    /// still move on, so a client holding the old etag cannot overwrite the change unseen. The
    /// parent's UPDATE is conditioned on its old version, as any update is.
    /// </summary>
    private static void BumpParentsOfChangedChildren(ChangeTracker tracker, DateTimeOffset now)
    {
        var parents = new HashSet<IVersioned>(ReferenceEqualityComparer.Instance);
        foreach (var child in tracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList())
        {
            IVersioned? parent = child.Entity switch
            {
                AccessSchemeDoor d => Find<AccessScheme>(tracker, d.SchemeId),
                HolidayEntry h => Find<HolidayCalendar>(tracker, h.CalendarId),
                ScheduleCalendar c => Find<Schedule>(tracker, c.ScheduleId),
                _ => null,
            };
            if (parent is not null && tracker.Context.Entry(parent).State == EntityState.Unchanged && parents.Add(parent))
            {
                parent.Version++;
                parent.UpdatedAt = now;
            }
        }

        static IVersioned? Find<T>(ChangeTracker tracker, Guid id)
            where T : class, IVersioned =>
            tracker.Entries<T>().Select(e => e.Entity).FirstOrDefault(e => tracker.Context.Entry(e).Property<Guid>("Id").CurrentValue == id);
    }

    private static bool IsBookkeeping(string property) => property is nameof(IVersioned.Version) or nameof(IVersioned.UpdatedAt) or nameof(IVersioned.CreatedAt);

    private static void Stamp(EntityEntry entry, DateTimeOffset now)
    {
        if (entry.Entity is not IVersioned versioned)
        {
            if (entry.State == EntityState.Added && entry.Metadata.FindProperty("CreatedAt") is { } created
                && entry.Property(created.Name).CurrentValue is DateTimeOffset { Ticks: 0 })
            {
                entry.Property(created.Name).CurrentValue = now;
            }

            return;
        }

        switch (entry.State)
        {
            case EntityState.Added:
                versioned.Version = 1;
                versioned.CreatedAt = now;
                versioned.UpdatedAt = now;
                break;
            case EntityState.Modified:
                versioned.Version = (long)entry.Property(nameof(IVersioned.Version)).OriginalValue! + 1;
                versioned.UpdatedAt = now;
                break;
        }
    }

    private static T Original<T>(EntityEntry entry, string property) => (T)entry.Property(property).OriginalValue!;

    private static T Current<T>(EntityEntry entry, string property) => (T)entry.Property(property).CurrentValue!;

    private static bool Changed(EntityEntry entry, string property) =>
        entry.State != EntityState.Modified || entry.Property(property).IsModified;
}
