using System.Globalization;
using System.Reflection;
using System.Text;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Booking;
using EdgeAccess.Cloud.Booking.Notifications;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Notifications.Telegram.Bot;

/// <summary>
/// One bot conversation step: parses a command and answers with the reply text. Booking commands
/// run the booking RPCs in process as the chat's linked user (<see cref="BotCallContext"/>), so
/// the rules, roles, conflicts with alternatives and the events are exactly the API's. Failures the
/// user can fix come back as replies; nothing here throws for bad input.
/// </summary>
public sealed partial class TelegramBotCommands(HubDbContext db, IServiceProvider services, TimeProvider time, ILogger<TelegramBotCommands> logger)
{
    /// <summary>The help text.</summary>
    public const string Help = """
        EdgeAccess booking bot. Commands:
        /link <code> — link this chat to your EdgeAccess user (create the code in the app)
        /resources — list the installations
        /free <resource> [date] — free times (date: YYYY-MM-DD, today, tomorrow)
        /book <resource> <date> <HH:MM> <minutes> — book
        /my — your upcoming bookings
        /cancel <code> — cancel one of them (the code /my shows, or an id prefix)
        """;

    private const string LinkFirst = "This chat is not linked to an EdgeAccess user yet: create a link code in the EdgeAccess app and send /link <code>.";

    /// <summary>Answers <paramref name="text"/> from <paramref name="chatId"/> (update <paramref name="updateId"/>).</summary>
    public async Task<string> HandleAsync(long chatId, long updateId, string text, CancellationToken cancellationToken)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || !parts[0].StartsWith('/'))
        {
            return "Send a command, e.g. /help.";
        }

        // "/book@MyBot" in groups names the bot.
        var command = parts[0].Split('@')[0].ToLowerInvariant();
        var args = parts[1..];
        try
        {
            switch (command)
            {
                case "/start" or "/help":
                    var linked = await FindCallerAsync(chatId, cancellationToken);
                    return (linked is null ? "" : $"Linked as {linked.Username}.\n") + Help;
                case "/link":
                    return await LinkAsync(chatId, args, cancellationToken);
            }

            var caller = await FindCallerAsync(chatId, cancellationToken);
            if (caller is null)
            {
                return LinkFirst;
            }

            return command switch
            {
                "/resources" => await ResourcesAsync(cancellationToken),
                "/free" => await FreeAsync(caller, args, cancellationToken),
                "/book" => await BookAsync(caller, chatId, updateId, args, cancellationToken),
                "/my" => await MineAsync(caller, cancellationToken),
                "/cancel" => await CancelAsync(caller, args, cancellationToken),
                _ => $"Unknown command {command}.\n" + Help,
            };
        }
        catch (RpcException ex) when (ex.StatusCode is not (StatusCode.Internal or StatusCode.Unknown))
        {
            // The API's own words: they name the field or the rule (and alternatives on a conflict).
            return "Sorry: " + ex.Status.Detail;
        }
        catch (BotInputException ex)
        {
            return ex.Message;
        }
    }

    private async Task<string> LinkAsync(long chatId, string[] args, CancellationToken ct)
    {
        if (args.Length != 1)
        {
            return "Usage: /link <code> (create the code in the EdgeAccess app; it is valid for 10 minutes).";
        }

        var now = time.GetUtcNow();
        var hash = NotificationGrpcService.HashCode(args[0]);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var code = await db.TelegramLinkCodes.SingleOrDefaultAsync(c => c.CodeHash == hash, ct);
        if (code is null || code.ExpiresAt <= now)
        {
            return "That code is unknown or has expired. Create a new one in the EdgeAccess app.";
        }

        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == code.UserId, ct);
        db.TelegramLinkCodes.Remove(code);
        await db.TelegramLinks.Where(l => l.ChatId == chatId || l.UserId == user.Id).ExecuteDeleteAsync(ct);
        db.TelegramLinks.Add(new Stored.TelegramLink { UserId = user.Id, ChatId = chatId, LinkedAt = Admin.Sites.AdminFields.Truncate(now) });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        LogLinked(logger, user.Username);
        return $"Linked to {user.Username}. Your booking notifications come here now.\n" + Help;
    }

    private async Task<string> ResourcesAsync(CancellationToken ct)
    {
        var resources = await ActiveResources().OrderBy(r => r.Name).Take(50).ToListAsync(ct);
        if (resources.Count == 0)
        {
            return "There are no bookable resources.";
        }

        var text = new StringBuilder("Resources:\n");
        foreach (var r in resources)
        {
            text.Append(CultureInfo.InvariantCulture, $"• {r.Name} ({r.Kind.ToString().ToLowerInvariant()})\n");
        }

        return text.Append("Use /free <name> [date] to see free times.").ToString();
    }

    private async Task<string> FreeAsync(Caller caller, string[] args, CancellationToken ct)
    {
        if (args.Length is < 1 or > 2)
        {
            return "Usage: /free <resource> [date], e.g. /free microscope tomorrow";
        }

        var resource = await ResolveAsync(args[0], ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(resource.TimeZone);
        var date = ParseDate(args.Length > 1 ? args[1] : "today", zone);
        var availability = await CallAsync(caller, nameof(BookingGrpcService.GetAvailability), (s, c) => s.GetAvailability(
            new GetAvailabilityRequest { ResourceId = resource.Id.ToString(), Date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Span = AvailabilitySpan.Day }, c), ct);
        var day = date.ToString("ddd yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (availability.Free.Count == 0)
        {
            return $"{resource.Name} has no free time on {day}.";
        }

        var slots = availability.Free.Select(f => $"{Local(f.StartTime, zone):HH:mm}–{Local(f.EndTime, zone):HH:mm}");
        return $"{resource.Name} is free on {day} ({resource.TimeZone}):\n{string.Join("\n", slots)}";
    }

    private async Task<string> BookAsync(Caller caller, long chatId, long updateId, string[] args, CancellationToken ct)
    {
        if (args.Length != 4)
        {
            return "Usage: /book <resource> <date> <HH:MM> <minutes>, e.g. /book microscope 2030-01-31 09:30 60";
        }

        var resource = await ResolveAsync(args[0], ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(resource.TimeZone);
        var date = ParseDate(args[1], zone);
        if (!TimeOnly.TryParseExact(args[2], "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            throw new BotInputException($"\"{args[2]}\" is not a time: use HH:MM, e.g. 09:30.");
        }

        if (!int.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes is < 1 or > 7 * 24 * 60)
        {
            throw new BotInputException($"\"{args[3]}\" is not a duration: give whole minutes, e.g. 60.");
        }

        var local = date.ToDateTime(at);
        if (zone.IsInvalidTime(local))
        {
            throw new BotInputException($"{args[1]} {args[2]} does not exist in {resource.TimeZone} (the clocks skip it).");
        }

        var start = new DateTimeOffset(local, zone.GetUtcOffset(local));
        var request = new CreateBookingRequest
        {
            // The update id makes a re-delivered update (a restart before getUpdates confirmed it) a replay, not a second booking.
            RequestId = $"telegram-{chatId}-{updateId}",
            Booking = new Protos.V1.Booking
            {
                ResourceId = resource.Id.ToString(),
                StartTime = Timestamp.FromDateTimeOffset(start),
                EndTime = Timestamp.FromDateTimeOffset(start.AddMinutes(minutes)),
                Note = "booked via Telegram",
            },
        };
        var booking = await CallAsync(caller, nameof(BookingGrpcService.CreateBooking), (s, c) => s.CreateBooking(request, c), ct);
        var state = booking.Status == BookingStatus.Pending ? "requested, awaiting approval" : "confirmed";
        return $"Booked {resource.Name} {Local(booking.StartTime, zone):ddd yyyy-MM-dd HH:mm}–{Local(booking.EndTime, zone):HH:mm} ({state}). Code {ShortId(booking.Id)}; /cancel {ShortId(booking.Id)} to cancel.";
    }

    private async Task<string> MineAsync(Caller caller, CancellationToken ct)
    {
        var bookings = await UpcomingAsync(caller, ct);
        if (bookings.Count == 0)
        {
            return "You have no upcoming bookings.";
        }

        var names = await ResourceNamesAsync(bookings, ct);
        var text = new StringBuilder("Your bookings:\n");
        foreach (var b in bookings)
        {
            var (name, zone) = names[b.ResourceId];
            text.Append(CultureInfo.InvariantCulture,
                $"{ShortId(b.Id)} {name} {Local(b.StartTime, zone):ddd yyyy-MM-dd HH:mm}–{Local(b.EndTime, zone):HH:mm} {b.Status.ToString().ToLowerInvariant().Replace('_', ' ')}\n");
        }

        return text.ToString().TrimEnd();
    }

    private async Task<string> CancelAsync(Caller caller, string[] args, CancellationToken ct)
    {
        if (args.Length != 1 || args[0].Length < 4)
        {
            return "Usage: /cancel <code> (the code /my shows, or an id prefix of at least 4 characters).";
        }

        // The short code shown is the id's random tail: UUIDv7 prefixes are the creation time, shared by bookings made in the same minute.
        var wanted = args[0].ToLowerInvariant();
        var matches = (await UpcomingAsync(caller, ct)).Where(b => b.Id.StartsWith(wanted, StringComparison.Ordinal) || b.Id.EndsWith(wanted, StringComparison.Ordinal)).ToList();
        if (matches.Count != 1)
        {
            return matches.Count == 0
                ? $"None of your upcoming bookings matches {args[0]}; /my lists them."
                : $"{matches.Count} of your bookings match {args[0]}: give more characters.";
        }

        var cancelled = await CallAsync(caller, nameof(BookingGrpcService.CancelBooking), (s, c) => s.CancelBooking(
            new CancelBookingRequest { Id = matches[0].Id, Reason = "cancelled via Telegram" }, c), ct);
        return $"Cancelled booking {ShortId(cancelled.Id)}.";
    }

    private async Task<List<Protos.V1.Booking>> UpcomingAsync(Caller caller, CancellationToken ct)
    {
        var request = new ListBookingsRequest { PageSize = 50, PersonId = caller.PersonId?.ToString() ?? "", From = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
        request.Statuses.Add([BookingStatus.Pending, BookingStatus.Confirmed, BookingStatus.CheckedIn]);
        if (caller.PersonId is null)
        {
            throw new BotInputException("Your EdgeAccess user is not linked to a person, so it has no bookings.");
        }

        var list = await CallAsync(caller, nameof(BookingGrpcService.ListBookings), (s, c) => s.ListBookings(request, c), ct);
        return [.. list.Bookings.OrderBy(b => b.StartTime.ToDateTimeOffset())];
    }

    /// <summary>Runs a booking RPC as <paramref name="caller"/>, with the roles its [Allow] names.</summary>
    private async Task<T> CallAsync<T>(Caller caller, string method, Func<BookingGrpcService, ServerCallContext, Task<T>> call, CancellationToken ct)
    {
        var allow = typeof(BookingGrpcService).GetMethod(method)?.GetCustomAttribute<AllowAttribute>();
        if (allow is null || !allow.Roles.Contains(caller.Role))
        {
            throw new BotInputException($"Your role ({caller.Role.ToString().ToLowerInvariant()}) may not do that.");
        }

        var service = ActivatorUtilities.CreateInstance<BookingGrpcService>(services);
        return await call(service, new BotCallContext("/edgeaccess.v1.BookingService/" + method, caller, ct));
    }

    private async Task<Caller?> FindCallerAsync(long chatId, CancellationToken ct)
    {
        var user = await (from l in db.TelegramLinks.AsNoTracking()
                          join u in db.Users.AsNoTracking() on l.UserId equals u.Id
                          where l.ChatId == chatId && u.Active
                          select u).SingleOrDefaultAsync(ct);
        return user is null ? null : new Caller(user.Id, user.Username, user.Role, user.PersonId, Guid.Empty);
    }

    private IQueryable<ResourceRow> ActiveResources() =>
        from r in db.BookingResources.AsNoTracking()
        join s in db.Sites.AsNoTracking() on r.SiteId equals s.Id
        where r.Active
        select new ResourceRow { Id = r.Id, Name = r.Name, Kind = r.Kind, TimeZone = s.TimeZone };

    /// <summary>A resource by exact name (case-insensitive), else by unique name prefix.</summary>
    private async Task<ResourceRow> ResolveAsync(string name, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        var candidates = await ActiveResources().Where(r => r.Name.ToLower().StartsWith(lower)).Take(10).ToListAsync(ct);
        var exact = candidates.Where(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
        return (exact.Count == 1 ? exact : candidates) switch
        {
            [var one] => one,
            [] => throw new BotInputException($"No resource is called \"{name}\"; /resources lists them."),
            var many => throw new BotInputException($"\"{name}\" could be {string.Join(", ", many.Select(r => r.Name))}: be more precise."),
        };
    }

    private async Task<Dictionary<string, (string Name, TimeZoneInfo Zone)>> ResourceNamesAsync(IEnumerable<Protos.V1.Booking> bookings, CancellationToken ct)
    {
        var ids = bookings.Select(b => Guid.Parse(b.ResourceId)).Distinct().ToList();
        var rows = await (from r in db.BookingResources.AsNoTracking()
                          join s in db.Sites.AsNoTracking() on r.SiteId equals s.Id
                          where ids.Contains(r.Id)
                          select new { r.Id, r.Name, s.TimeZone }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Id.ToString(), r => (r.Name, TimeZoneInfo.FindSystemTimeZoneById(r.TimeZone)));
    }

    private DateOnly ParseDate(string text, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        return text.ToLowerInvariant() switch
        {
            "today" => today,
            "tomorrow" => today.AddDays(1),
            _ when DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) => date,
            _ => throw new BotInputException($"\"{text}\" is not a date: use YYYY-MM-DD, today or tomorrow."),
        };
    }

    /// <summary>The short code of a booking: its id's last 8 hex digits (random in a UUIDv7).</summary>
    public static string ShortId(string id) => id[^8..];

    private static DateTime Local(Timestamp t, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(t.ToDateTimeOffset(), zone).DateTime;

    [LoggerMessage(3930, LogLevel.Information, "Telegram chat linked to {User}", EventName = "TelegramChatLinked")]
    private static partial void LogLinked(ILogger logger, string user);

    // A member-init projection (not a constructor), so EF Core can order and filter on top of it.
    private sealed class ResourceRow
    {
        public Guid Id { get; init; }

        public string Name { get; init; } = "";

        public Stored.BookingResourceKind Kind { get; init; }

        public string TimeZone { get; init; } = "";
    }

    private sealed class BotInputException(string message) : Exception(message);
}
