using EdgeAccess.Cloud.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Data;

public sealed partial class HubDbContext
{
    // The tables and foreign keys of 0008_booking.sql (the exclusion constraint lives only in SQL).
    private static void MapBooking(ModelBuilder b)
    {
        b.Entity<BookingResource>(e =>
        {
            e.ToTable("booking_resources");
            e.Property(x => x.ControlPrograms).HasColumnType("jsonb");
            e.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Node>().WithMany().HasForeignKey(x => x.NodeId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Doors).WithOne().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<BookingResourceDoor>(e =>
        {
            e.ToTable("booking_resource_doors");
            e.HasKey(x => new { x.ResourceId, x.DoorId });
            e.HasOne<Door>().WithMany().HasForeignKey(x => x.DoorId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<BookingRules>(e =>
        {
            e.ToTable("booking_rules");
            e.HasKey(x => x.ResourceId);
            e.HasOne<BookingResource>().WithOne().HasForeignKey<BookingRules>(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Groups).WithOne().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<BookingRuleGroup>(e =>
        {
            e.ToTable("booking_rule_groups");
            e.HasKey(x => new { x.ResourceId, x.GroupId });
            e.HasOne<Group>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<BookingBlackout>(e =>
        {
            e.ToTable("booking_blackouts");
            e.HasOne<BookingResource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Booking>(e =>
        {
            e.ToTable("bookings");
            e.HasOne<BookingResource>().WithMany().HasForeignKey(x => x.ResourceId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
        });

        // 0011_lab_policy.sql
        b.Entity<NodeAccount>(e =>
        {
            e.ToTable("node_accounts");
            e.HasIndex(x => new { x.NodeId, x.Uid }).IsUnique();
            e.HasOne<Node>().WithMany().HasForeignKey(x => x.NodeId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.SetNull);
        });

        // 0010_notifications.sql
        b.Entity<NotificationPreferences>(e =>
        {
            e.ToTable("notification_preferences");
            e.HasKey(x => x.UserId);
            e.HasOne<User>().WithOne().HasForeignKey<NotificationPreferences>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<TelegramLink>(e =>
        {
            e.ToTable("telegram_links");
            e.HasKey(x => x.UserId);
            e.HasIndex(x => x.ChatId).IsUnique();
            e.HasOne<User>().WithOne().HasForeignKey<TelegramLink>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<TelegramLinkCode>(e =>
        {
            e.ToTable("telegram_link_codes");
            e.HasKey(x => x.CodeHash);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Notification>(e =>
        {
            e.ToTable("notifications");
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
