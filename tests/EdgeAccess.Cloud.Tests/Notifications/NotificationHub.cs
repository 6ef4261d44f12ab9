using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Notifications;

/// <summary>
/// A real hub (manual clock, PostgreSQL, sockets) wired to a <see cref="FakeTelegram"/> with the bot
/// on, a <see cref="RecordingWebhookReceiver"/> subscribed to <c>booking.*</c>, and an outbox that
/// looks at its table every 100 ms, so messages fall due soon after the clock moves.
/// </summary>
public sealed class NotificationHub : AuthHub, IAsyncLifetime
{
    /// <summary>Creates the hub (xunit fixture constructor). xunit builds fixtures synchronously; the fake must listen before the hub reads its URL.</summary>
    public NotificationHub()
        : this(FakeTelegram.StartAsync().GetAwaiter().GetResult())
    {
    }

    private NotificationHub(FakeTelegram fake)
        : base(Settings(fake)) => Telegram = fake;

    public FakeTelegram Telegram { get; }

    public RecordingWebhookReceiver Webhooks { get; private set; } = null!;

    public BookingService.Client Booking { get; private set; } = null!;

    public NotificationService.Client Notifications { get; private set; } = null!;

    public string SiteId { get; private set; } = "";

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Booking = new BookingService.Client(Host.Channel);
        Notifications = new NotificationService.Client(Host.Channel);
        Webhooks = await RecordingWebhookReceiver.StartAsync();
        SiteId = (await new SiteService.Client(Host.Channel).CreateSiteAsync(new CreateSiteRequest { Site = new Site { Name = "site-" + Guid.NewGuid().ToString("N")[..8], TimeZone = "UTC" } }, Admin).ResponseAsync.WithTimeout()).Id;
        await using var scope = Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        db.WebhookSubscriptions.Add(new Data.Entities.WebhookSubscription { Id = Guid.CreateVersion7(), Url = Webhooks.Url.ToString(), Secret = "test-secret-0123456789", Topics = "booking.*", CreatedAt = Clock.GetUtcNow() });
        await db.SaveChangesAsync().WithTimeout();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Webhooks.DisposeAsync();
        await Telegram.DisposeAsync();
    }

    /// <summary>A resource named <paramref name="name"/> on the UTC site, its rules edited by <paramref name="rules"/>.</summary>
    public async Task<string> CreateResourceAsync(string name, Action<ResourceRules>? rules = null)
    {
        var resource = await Booking.CreateResourceAsync(new CreateResourceRequest
        {
            Resource = new BookableResource { SiteId = SiteId, Name = name, Kind = ResourceKind.LabInstallation },
        }, Admin).ResponseAsync.WithTimeout();
        if (rules is not null)
        {
            var current = await Booking.GetResourceRulesAsync(new GetResourceRulesRequest { ResourceId = resource.Id }, Admin).ResponseAsync.WithTimeout();
            rules(current);
            await Booking.UpdateResourceRulesAsync(new UpdateResourceRulesRequest { Rules = current }, Admin).ResponseAsync.WithTimeout();
        }

        return resource.Id;
    }

    /// <summary>A member linked to a new person, optionally with a linked Telegram chat.</summary>
    public async Task<(CallOptions Call, string PersonId, Guid UserId)> MemberAsync(long? chatId = null)
    {
        var person = await new PersonService.Client(Host.Channel).CreatePersonAsync(
            new CreatePersonRequest { Person = new Person { DisplayName = "p-" + Guid.NewGuid().ToString("N")[..8] } }, Admin).ResponseAsync.WithTimeout();
        var now = Clock.GetUtcNow();
        var (call, userId) = await Host.SignInUserAsync(UserRole.Member, Guid.Parse(person.Id), "m-" + Guid.NewGuid().ToString("N")[..10], now, TimeSpan.FromDays(30)).WithTimeout();
        if (chatId is { } chat)
        {
            await using var scope = Host.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            db.TelegramLinks.Add(new Data.Entities.TelegramLink { UserId = userId, ChatId = chat, LinkedAt = now });
            await db.SaveChangesAsync().WithTimeout();
        }

        return (call, person.Id, userId);
    }

    /// <summary>The next quarter hour of the hub clock plus <paramref name="quarters"/> more.</summary>
    public DateTimeOffset QuarterFromNow(int quarters)
    {
        var ticks = TimeSpan.FromMinutes(15).Ticks;
        return new DateTimeOffset((Clock.GetUtcNow().UtcTicks / ticks + 1 + quarters) * ticks, TimeSpan.Zero);
    }

    public Task<Protos.V1.Booking> BookAsync(string resourceId, DateTimeOffset start, int minutes, CallOptions call, bool rulesOverride = false, string personId = "") =>
        Booking.CreateBookingAsync(new CreateBookingRequest
        {
            Booking = new Protos.V1.Booking { ResourceId = resourceId, PersonId = personId, StartTime = Timestamp.FromDateTimeOffset(start), EndTime = Timestamp.FromDateTimeOffset(start.AddMinutes(minutes)) },
            RulesOverride = rulesOverride,
        }, call).ResponseAsync.WithTimeout();

    /// <summary>
    /// Moves the hub's clock once no outbox message is being dispatched. Leases run on the same
    /// clock: a jump while a handler is in flight would expire its lease and let the dispatcher run
    /// it again (a duplicate a real clock only produces after a crash).
    /// </summary>
    public async Task AdvanceWhenOutboxIdleAsync(TimeSpan by)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using (var scope = Host.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
                var now = Clock.GetUtcNow();
                if (!await db.OutboxMessages.AnyAsync(m => m.CompletedAt == null && m.FailedAt == null && m.LockedUntil != null && m.LockedUntil > now, cts.Token))
                {
                    Clock.Advance(by);
                    return;
                }
            }

            await Task.Delay(25, cts.Token);
        }
    }

    /// <summary>Waits until the fake recorded a message to <paramref name="chatId"/> that satisfies <paramref name="match"/>.</summary>
    public async Task<string> WaitForTelegramAsync(long chatId, Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (Telegram.Sent.FirstOrDefault(m => m.ChatId == chatId && match(m.Text)) is { } found)
            {
                return found.Text;
            }

            try
            {
                await Task.Delay(25, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching Telegram message to {chatId}; sent: {string.Join(" | ", Telegram.Sent.Where(m => m.ChatId == chatId).Select(m => m.Text))}");
            }
        }
    }

    private static Dictionary<string, string?> Settings(FakeTelegram fake) => new Dictionary<string, string?>
        {
            ["EdgeAccess:Telegram:BaseUrl"] = fake.BaseUrl.ToString(),
            ["EdgeAccess:Telegram:BotToken"] = fake.Token,
            ["EdgeAccess:Telegram:Enabled"] = "true",
            ["EdgeAccess:Telegram:PollTimeoutSeconds"] = "1",
            ["EdgeAccess:Outbox:PollInterval"] = "00:00:00.100",
            ["EdgeAccess:Outbox:RetryBaseDelay"] = "00:00:00.100",
        };
}
