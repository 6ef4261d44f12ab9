using EdgeAccess.Cloud.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Data;

/// <summary>
/// The hub's EF Core model. The schema itself is owned by the SQL files in <c>Migrations/</c>;
/// this model maps onto it (a test proves the two agree column by column).
/// </summary>
public sealed partial class HubDbContext(DbContextOptions<HubDbContext> options) : DbContext(options)
{
    public DbSet<Site> Sites => Set<Site>();
    public DbSet<Door> Doors => Set<Door>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<Card> Cards => Set<Card>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupNesting> GroupNestings => Set<GroupNesting>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<HolidayCalendar> HolidayCalendars => Set<HolidayCalendar>();
    public DbSet<HolidayEntry> Holidays => Set<HolidayEntry>();
    public DbSet<Schedule> Schedules => Set<Schedule>();
    public DbSet<ScheduleCalendar> ScheduleCalendars => Set<ScheduleCalendar>();
    public DbSet<AccessScheme> AccessSchemes => Set<AccessScheme>();
    public DbSet<AccessSchemeDoor> AccessSchemeDoors => Set<AccessSchemeDoor>();
    public DbSet<DirectGrant> DirectGrants => Set<DirectGrant>();
    public DbSet<EffectiveRight> EffectiveRights => Set<EffectiveRight>();
    public DbSet<ReplicaRecord> ReplicaRecords => Set<ReplicaRecord>();
    public DbSet<FeedHead> FeedHeads => Set<FeedHead>();
    public DbSet<FeedEntry> FeedEntries => Set<FeedEntry>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<RotatedRefreshToken> RotatedRefreshTokens => Set<RotatedRefreshToken>();
    public DbSet<Node> Nodes => Set<Node>();
    public DbSet<NodeSync> NodeSync => Set<NodeSync>();
    public DbSet<NodeCommandRecord> NodeCommands => Set<NodeCommandRecord>();
    public DbSet<NodeAlertRecord> NodeAlerts => Set<NodeAlertRecord>();
    public DbSet<EdgeEvent> EdgeEvents => Set<EdgeEvent>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<BookingResource> BookingResources => Set<BookingResource>();
    public DbSet<BookingResourceDoor> BookingResourceDoors => Set<BookingResourceDoor>();
    public DbSet<BookingRules> BookingRules => Set<BookingRules>();
    public DbSet<BookingRuleGroup> BookingRuleGroups => Set<BookingRuleGroup>();
    public DbSet<BookingBlackout> BookingBlackouts => Set<BookingBlackout>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<NotificationPreferences> NotificationPreferences => Set<NotificationPreferences>();
    public DbSet<TelegramLink> TelegramLinks => Set<TelegramLink>();
    public DbSet<TelegramLinkCode> TelegramLinkCodes => Set<TelegramLinkCode>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<NodeAccount> NodeAccounts => Set<NodeAccount>();
}
