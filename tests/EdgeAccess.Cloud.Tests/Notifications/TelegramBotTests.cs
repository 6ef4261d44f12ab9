using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Cloud.Tests.Notifications;

/// <summary>The Telegram bot end to end: updates from <see cref="FakeTelegram"/>, replies recorded by it.</summary>
public sealed class TelegramBotTests(NotificationHub hub) : IClassFixture<NotificationHub>
{
    [Fact]
    public async Task Bot_LinkResourcesFreeBookMyCancel_RepliesAndBooksAsTheLinkedMember()
    {
        const long Chat = 3001;
        var name = "scope-" + Guid.NewGuid().ToString("N")[..6];
        var resource = await hub.CreateResourceAsync(name);
        var (call, personId, _) = await hub.MemberAsync();
        var code = await hub.Notifications.CreateTelegramLinkCodeAsync(new CreateTelegramLinkCodeRequest(), call).ResponseAsync.WithTimeout();
        Assert.True(code.ExpireTime.ToDateTimeOffset() - hub.Clock.GetUtcNow() <= TimeSpan.FromMinutes(10));

        Assert.Contains("not linked", await SayAsync(Chat, "/my", "link"), StringComparison.Ordinal);
        Assert.Contains("unknown or has expired", await SayAsync(Chat, "/link NOPE1234", "code"), StringComparison.Ordinal);
        Assert.StartsWith("Linked to", await SayAsync(Chat, "/link " + code.Code.ToLowerInvariant(), "Linked"), StringComparison.Ordinal);
        Assert.True((await hub.Notifications.GetPreferencesAsync(new GetPreferencesRequest(), call).ResponseAsync.WithTimeout()).TelegramLinked);
        Assert.Contains("unknown or has expired", await SayAsync(Chat, "/link " + code.Code, "code"), StringComparison.Ordinal);

        Assert.Contains(name, await SayAsync(Chat, "/resources", "Resources"), StringComparison.Ordinal);

        var start = hub.QuarterFromNow(8);
        var date = start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var free = await SayAsync(Chat, $"/free {name} {date}", "free on");
        Assert.Contains(name, free, StringComparison.Ordinal);

        Assert.StartsWith("Usage: /book", await SayAsync(Chat, $"/book {name}", "Usage"), StringComparison.Ordinal);
        Assert.Contains("is not a time", await SayAsync(Chat, $"/book {name} {date} 9h30 60", "time"), StringComparison.Ordinal);
        var booked = await SayAsync(Chat, $"/book {name} {date} {start:HH:mm} 60", "Booked");
        Assert.Contains("confirmed", booked, StringComparison.Ordinal);
        var list = await hub.Booking.ListBookingsAsync(new ListBookingsRequest { PersonId = personId, ResourceId = resource }, call).ResponseAsync.WithTimeout();
        var booking = Assert.Single(list.Bookings);
        Assert.Equal(start, booking.StartTime.ToDateTimeOffset());
        await hub.WaitForTelegramAsync(Chat, t => t.StartsWith("Booking confirmed", StringComparison.Ordinal));

        Assert.Contains(booking.Id[^8..], await SayAsync(Chat, "/my", "Your bookings"), StringComparison.Ordinal);
        Assert.Contains("not free", await SayAsync(Chat, $"/book {name} {date} {start:HH:mm} 60", "Sorry"), StringComparison.Ordinal);
        Assert.StartsWith("Cancelled", await SayAsync(Chat, "/cancel " + booking.Id[^8..], "Cancelled"), StringComparison.Ordinal);
        await hub.WaitForTelegramAsync(Chat, t => t.StartsWith("Booking cancelled", StringComparison.Ordinal));
        Assert.Equal("You have no upcoming bookings.", await SayAsync(Chat, "/my", "no upcoming"));
        Assert.StartsWith("Unknown command", await SayAsync(Chat, "/frobnicate", "Unknown"), StringComparison.Ordinal);
    }

    /// <summary>Sends <paramref name="text"/> from <paramref name="chatId"/> and returns the bot's next reply containing <paramref name="expect"/>.</summary>
    private async Task<string> SayAsync(long chatId, string text, string expect)
    {
        var before = hub.Telegram.Sent.Count;
        hub.Telegram.EnqueueMessage(chatId, text);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var reply = hub.Telegram.Sent.Skip(before).FirstOrDefault(m => m.ChatId == chatId && m.Text.Contains(expect, StringComparison.Ordinal));
            if (reply is not null)
            {
                return reply.Text;
            }

            try
            {
                await Task.Delay(25, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{text}: no reply containing \"{expect}\"; got: {string.Join(" | ", hub.Telegram.Sent.Skip(before).Where(m => m.ChatId == chatId).Select(m => m.Text))}");
            }
        }
    }
}
