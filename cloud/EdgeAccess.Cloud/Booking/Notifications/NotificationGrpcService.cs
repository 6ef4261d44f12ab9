using System.Security.Cryptography;
using System.Text;
using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Admin.Sites;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Booking.Notifications;

/// <summary>
/// <c>edgeaccess.v1.NotificationService</c>: every signed-in user watches their own notifications,
/// reads and sets their own preferences and creates their own Telegram link code.
/// </summary>
public sealed partial class NotificationGrpcService(HubDbContext db, NotificationBroadcaster broadcaster, TimeProvider time, ILogger<NotificationGrpcService> logger)
    : NotificationService.ServiceBase
{
    /// <summary>How long a Telegram link code is valid.</summary>
    public static readonly TimeSpan LinkCodeLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The first item of every watch: the subscription is live from here on.</summary>
    public const string StartedEvent = "watch.started";

    private const int MaxReplay = 500;

    /// <inheritdoc />
    [Allow(UserRole.Member, UserRole.Auditor, UserRole.Operator, UserRole.Admin)]
    public override async Task Watch(WatchRequest request, IServerStreamWriter<NotificationItem> responseStream, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var since = Validate.Time(request.Since, "since");

        // Subscribe before replaying, so nothing falls between the two; the seen set drops doubles.
        using var subscription = broadcaster.Subscribe(caller.UserId);
        var seen = new HashSet<Guid>();
        await responseStream.WriteAsync(new NotificationItem { Event = StartedEvent, CreateTime = AdminFields.ToTimestamp(time.GetUtcNow()) }, ct);
        if (since is { } from)
        {
            var history = await db.Notifications.AsNoTracking().Where(n => n.UserId == caller.UserId && n.CreatedAt > from)
                .OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).Take(MaxReplay).ToListAsync(ct);
            foreach (var n in history)
            {
                seen.Add(n.Id);
                await responseStream.WriteAsync(ToProto(new WatchSignal(n.Id, n.UserId, n.Event, n.BookingId ?? Guid.Empty, n.Text, n.CreatedAt)), ct);
            }
        }

        LogWatching(logger, caller.Username);
        try
        {
            await foreach (var signal in subscription.Reader.ReadAllAsync(ct))
            {
                if (seen.Add(signal.Id))
                {
                    await responseStream.WriteAsync(ToProto(signal), ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the normal end of a watch.
        }
    }

    /// <inheritdoc />
    [Allow(UserRole.Member, UserRole.Auditor, UserRole.Operator, UserRole.Admin)]
    public override async Task<NotificationPreferences> GetPreferences(GetPreferencesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        return await LoadAsync(caller.UserId, context.CancellationToken);
    }

    /// <inheritdoc />
    [Allow(UserRole.Member, UserRole.Auditor, UserRole.Operator, UserRole.Admin)]
    public override async Task<NotificationPreferences> UpdatePreferences(UpdatePreferencesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var input = request.Preferences ?? throw ApiErrors.Invalid("preferences", "is required");
        var start = Minutes(input.RemindStartMinutes, "preferences.remind_start_minutes");
        var end = Minutes(input.RemindEndMinutes, "preferences.remind_end_minutes");
        var row = await db.NotificationPreferences.SingleOrDefaultAsync(p => p.UserId == caller.UserId, ct);
        if (row is null)
        {
            row = new Stored.NotificationPreferences { UserId = caller.UserId };
            db.NotificationPreferences.Add(row);
        }

        row.Telegram = input.Telegram;
        row.RemindStartMinutes = start;
        row.RemindEndMinutes = end;
        row.UpdatedAt = AdminFields.Truncate(time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return await LoadAsync(caller.UserId, ct);
    }

    /// <inheritdoc />
    [Allow(UserRole.Member, UserRole.Auditor, UserRole.Operator, UserRole.Admin)]
    public override async Task<TelegramLinkCode> CreateTelegramLinkCode(CreateTelegramLinkCodeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        var now = time.GetUtcNow();

        // 8 characters of an alphabet without look-alikes: ~40 bits, enough for 10 minutes.
        const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var code = RandomNumberGenerator.GetString(Alphabet, 8);
        var expires = AdminFields.Truncate(now + LinkCodeLifetime);
        await db.TelegramLinkCodes.Where(c => c.UserId == caller.UserId || c.ExpiresAt < now).ExecuteDeleteAsync(ct);
        db.TelegramLinkCodes.Add(new Stored.TelegramLinkCode { CodeHash = HashCode(code), UserId = caller.UserId, ExpiresAt = expires, CreatedAt = AdminFields.Truncate(now) });
        await db.SaveChangesAsync(ct);
        LogLinkCode(logger, caller.Username);
        return new TelegramLinkCode { Code = code, ExpireTime = AdminFields.ToTimestamp(expires) };
    }

    /// <summary>SHA-256 of the code as typed (upper-cased, trimmed): codes are stored only hashed.</summary>
    public static byte[] HashCode(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant()));

    private async Task<NotificationPreferences> LoadAsync(Guid userId, CancellationToken ct)
    {
        var row = await db.NotificationPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, ct) ?? new Stored.NotificationPreferences();
        var linked = await db.TelegramLinks.AsNoTracking().AnyAsync(l => l.UserId == userId, ct);
        return new NotificationPreferences
        {
            Telegram = row.Telegram,
            TelegramLinked = linked,
            RemindStartMinutes = row.RemindStartMinutes,
            RemindEndMinutes = row.RemindEndMinutes,
        };
    }

    private static int Minutes(int value, string field) =>
        value is >= 0 and <= 10080 ? value : throw ApiErrors.Invalid(field, "must be between 0 (off) and 10080 (a week)");

    private static NotificationItem ToProto(WatchSignal s) => new()
    {
        Id = s.Id.ToString(),
        Event = s.Event,
        BookingId = s.BookingId == Guid.Empty ? "" : s.BookingId.ToString(),
        Text = s.Text,
        CreateTime = AdminFields.ToTimestamp(s.CreatedAt),
    };

    [LoggerMessage(3920, LogLevel.Debug, "{User} watches their notifications", EventName = "NotificationWatch")]
    private static partial void LogWatching(ILogger logger, string user);

    [LoggerMessage(3921, LogLevel.Information, "{User} created a Telegram link code", EventName = "TelegramLinkCodeCreated")]
    private static partial void LogLinkCode(ILogger logger, string user);
}
