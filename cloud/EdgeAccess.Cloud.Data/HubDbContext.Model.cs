using System.Text;
using EdgeAccess.Cloud.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Data;

public sealed partial class HubDbContext
{
    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Site>(e => e.ToTable("sites"));
        modelBuilder.Entity<Door>(e => e.ToTable("doors"));
        modelBuilder.Entity<Person>(e => e.ToTable("people"));
        modelBuilder.Entity<Card>(e => e.ToTable("cards"));
        modelBuilder.Entity<Group>(e => e.ToTable("groups"));
        modelBuilder.Entity<GroupNesting>(e =>
        {
            e.ToTable("group_nestings");
            e.HasKey(x => new { x.ParentId, x.ChildId });
        });
        modelBuilder.Entity<Membership>(e => e.ToTable("memberships"));
        modelBuilder.Entity<HolidayCalendar>(e =>
        {
            e.ToTable("holiday_calendars");
            e.HasMany(x => x.Holidays).WithOne().HasForeignKey(x => x.CalendarId);
        });
        modelBuilder.Entity<HolidayEntry>(e =>
        {
            e.ToTable("holidays");
            e.HasKey(x => new { x.CalendarId, x.Date });
        });
        modelBuilder.Entity<Schedule>(e =>
        {
            e.ToTable("schedules");
            e.Property(x => x.Definition).HasColumnType("jsonb");
            e.HasMany(x => x.Calendars).WithOne().HasForeignKey(x => x.ScheduleId);
        });
        modelBuilder.Entity<ScheduleCalendar>(e =>
        {
            e.ToTable("schedule_calendars");
            e.HasKey(x => new { x.ScheduleId, x.CalendarId });
        });
        modelBuilder.Entity<AccessScheme>(e =>
        {
            e.ToTable("access_schemes");
            e.HasMany(x => x.Doors).WithOne().HasForeignKey(x => x.SchemeId);
        });
        modelBuilder.Entity<AccessSchemeDoor>(e =>
        {
            e.ToTable("access_scheme_doors");
            e.HasKey(x => new { x.SchemeId, x.DoorId });
        });
        modelBuilder.Entity<DirectGrant>(e => e.ToTable("direct_grants"));
        modelBuilder.Entity<EffectiveRight>(e =>
        {
            e.ToTable("effective_rights");
            e.HasKey(x => new { x.CardId, x.DoorId });
        });
        modelBuilder.Entity<ReplicaRecord>(e =>
        {
            e.ToTable("replica_records");
            e.HasKey(x => new { x.SiteId, x.Kind, x.EntityId });
        });
        modelBuilder.Entity<FeedHead>(e =>
        {
            e.ToTable("feed_heads");
            e.HasKey(x => x.SiteId);
        });
        modelBuilder.Entity<FeedEntry>(e =>
        {
            e.ToTable("feed_entries");
            e.HasKey(x => new { x.SiteId, x.Position });
            e.Property(x => x.Txid).HasColumnType("xid8").ValueGeneratedOnAdd();
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Before).HasColumnType("jsonb");
            e.Property(x => x.After).HasColumnType("jsonb");
        });
        modelBuilder.Entity<IdempotencyKey>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(x => new { x.ActorId, x.RequestId });
        });
        modelBuilder.Entity<User>(e => e.ToTable("users"));
        modelBuilder.Entity<Session>(e => e.ToTable("sessions"));
        modelBuilder.Entity<Node>(e => e.ToTable("nodes"));
        modelBuilder.Entity<NodeSync>(e => e.ToTable("node_sync").HasKey(x => x.NodeId));
        modelBuilder.Entity<NodeCommandRecord>(e => e.ToTable("node_commands"));
        modelBuilder.Entity<NodeAlertRecord>(e => e.ToTable("node_alerts").HasKey(x => x.NodeId));
        modelBuilder.Entity<EdgeEvent>(e => e.ToTable("edge_events").HasKey(x => new { x.NodeId, x.Seq }));
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.Property(x => x.Payload).HasColumnType("jsonb");
        });
        modelBuilder.Entity<WebhookSubscription>(e => e.ToTable("webhook_subscriptions"));
        modelBuilder.Entity<WebhookDelivery>(e => e.ToTable("webhook_deliveries"));
        modelBuilder.Entity<RotatedRefreshToken>(e =>
        {
            e.ToTable("session_rotated_tokens");
            e.HasKey(x => x.RefreshHash);
        });

        MapBooking(modelBuilder);
        MapRelationships(modelBuilder);
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            // Versioned rows carry their etag as an optimistic-concurrency token.
            if (typeof(IVersioned).IsAssignableFrom(entity.ClrType))
            {
                entity.FindProperty(nameof(IVersioned.Version))!.IsConcurrencyToken = true;
            }

            // The SQL migrations use snake_case; map every column onto it.
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }
        }
    }

    // The foreign keys of 0001_rights_model.sql, so EF orders inserts and deletes of dependent rows.
    // Delete behaviours mirror the SQL: Cascade where the schema cascades, Restrict where it refuses.
    private static void MapRelationships(ModelBuilder b)
    {
        b.Entity<Door>().HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Card>().HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<GroupNesting>().HasOne<Group>().WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<GroupNesting>().HasOne<Group>().WithMany().HasForeignKey(x => x.ChildId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<Membership>().HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<Membership>().HasOne<Group>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<HolidayCalendar>().HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<Schedule>().HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<ScheduleCalendar>().HasOne<HolidayCalendar>().WithMany().HasForeignKey(x => x.CalendarId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<AccessScheme>().HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<AccessScheme>().HasOne<Group>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<AccessScheme>().HasOne<Schedule>().WithMany().HasForeignKey(x => x.ScheduleId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<AccessSchemeDoor>().HasOne<Door>().WithMany().HasForeignKey(x => x.DoorId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<DirectGrant>().HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<DirectGrant>().HasOne<Door>().WithMany().HasForeignKey(x => x.DoorId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<DirectGrant>().HasOne<Schedule>().WithMany().HasForeignKey(x => x.ScheduleId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<User>().HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.SetNull);
        b.Entity<RotatedRefreshToken>().HasOne<Session>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<Session>().HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<NodeSync>().HasOne<Node>().WithOne().HasForeignKey<NodeSync>(x => x.NodeId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<NodeCommandRecord>().HasOne<Node>().WithMany().HasForeignKey(x => x.NodeId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<NodeAlertRecord>().HasOne<Node>().WithOne().HasForeignKey<NodeAlertRecord>(x => x.NodeId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<Node>().HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
        b.Entity<WebhookDelivery>().HasOne<WebhookSubscription>().WithMany().HasForeignKey(x => x.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<EdgeEvent>().HasOne<Node>().WithMany().HasForeignKey(x => x.NodeId).OnDelete(DeleteBehavior.Restrict);
    }

    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
