using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights.Explain;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Schedules;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace EdgeAccess.Cloud.Tests.Rights;

public sealed partial class ExplainTests
{
    private static readonly DateTimeOffset RangeStart = new(2026, 3, 20, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// For random (card, door, T) in a random model — nesting, inactive groups and people, blocked
    /// and lost cards, validity windows, PIN, holidays, two time zones, a DST change — the explainer
    /// grants exactly when a stored effective_rights term is valid at T and its schedule admits T;
    /// and who-can-open lists exactly those cards. Sampled again after random edits.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Explain_RandomCardDoorAndTime_AgreesWithTheStoredEffectiveRights(int seed)
    {
        var random = new Random(seed);
        var world = await RandomWorldAsync(random);
        var reasons = new List<AccessReason>();
        await SampleAsync(random, world, 110, reasons);

        await RandomEditsAsync(random, world);
        await SampleAsync(random, world, 110, reasons);

        // The samples must exercise the decision, not just one outcome.
        var histogram = string.Join(", ", reasons.CountBy(r => r).Select(p => $"{p.Key} {p.Value}"));
        Assert.True(reasons.Count(r => r == AccessReason.Granted) >= 20, $"seed {seed}: {histogram}");
        Assert.True(reasons.Distinct().Count() >= 6, $"seed {seed}: {histogram}");
    }

    private sealed record RandomModel(List<Site> Sites, List<Door> Doors, List<Group> Groups, List<Person> People, List<Card> Cards);

    private async Task<RandomModel> RandomWorldAsync(Random random)
    {
        var model = new RandomModel([], [], [], [], []);
        var holidays = new (DateOnly, string)[] { (new DateOnly(2026, 4, 3), "Good Friday"), (new DateOnly(2026, 4, 6), "Easter Monday") };
        var schedules = new Dictionary<Guid, List<Schedule>>();
        foreach (var zone in new[] { "Europe/Berlin", "America/New_York" })
        {
            var site = await _world.SiteAsync(Unique("rnd"), zone);
            model.Sites.Add(site);
            for (var i = 0; i < 4; i++)
            {
                model.Doors.Add(await _world.DoorAsync(site, $"d{i}", pin: i == 0));
            }

            schedules[site.Id] =
            [
                await _world.ScheduleAsync(site, "always"),
                await _world.ScheduleAsync(site, "day", 7 * 60, 19 * 60),
                await _world.ScheduleAsync(site, "night", 22 * 60, 6 * 60),
                await OfficeHoursAsync(site, await CalendarAsync(site, holidays)),
            ];
        }

        for (var i = 0; i < 8; i++)
        {
            model.Groups.Add(await _world.GroupAsync(Unique($"g{i}"), active: random.Next(5) != 0));
        }

        for (var child = 0; child < model.Groups.Count; child++)
        {
            for (var parent = child + 1; parent < model.Groups.Count; parent++)
            {
                if (random.Next(4) == 0)
                {
                    await _world.NestAsync(model.Groups[child], model.Groups[parent]);
                }
            }
        }

        for (var i = 0; i < 14; i++)
        {
            var person = await _world.AddAsync(new Person { Id = Guid.CreateVersion7(), DisplayName = $"p{i}", Active = random.Next(7) != 0 });
            model.People.Add(person);
            for (var c = random.Next(1, 3); c > 0; c--)
            {
                var (from, to) = RandomWindow(random);
                var status = random.Next(10) switch { 0 => CardStatus.Blocked, 1 => CardStatus.Lost, _ => CardStatus.Active };
                model.Cards.Add(await _world.CardAsync(person, status, from, to));
            }

            foreach (var group in model.Groups.OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
            {
                var (from, to) = RandomWindow(random);
                await _world.MemberAsync(person, group, from, to);
            }
        }

        for (var i = 0; i < 12; i++)
        {
            var site = model.Sites[random.Next(model.Sites.Count)];
            var doors = model.Doors.Where(d => d.SiteId == site.Id && random.Next(2) == 0).ToArray();
            var (from, to) = RandomWindow(random);
            await _world.SchemeAsync(site, model.Groups[random.Next(model.Groups.Count)], Pick(random, schedules[site.Id]), random.Next(5) == 0, from, to, doors);
        }

        for (var i = 0; i < 6; i++)
        {
            var door = Pick(random, model.Doors);
            var (from, to) = RandomWindow(random);
            await GrantAsync(Pick(random, model.People), door, Pick(random, schedules[door.SiteId]), random.Next(3) == 0, from, to);
        }

        return model;
    }

    private async Task RandomEditsAsync(Random random, RandomModel model)
    {
        foreach (var group in model.Groups.OrderBy(_ => random.Next()).Take(2))
        {
            await _world.SaveAsync(db => { db.Attach(group); group.Active = !group.Active; });
        }

        var person = Pick(random, model.People);
        await _world.SaveAsync(db => { db.Attach(person); person.Active = !person.Active; });
        var card = Pick(random, model.Cards);
        await _world.SaveAsync(db => { db.Attach(card); card.Status = card.Status == CardStatus.Active ? CardStatus.Blocked : CardStatus.Active; });
        await _world.SaveAsync(db =>
        {
            var membership = db.Memberships.OrderBy(m => m.Id).Skip(random.Next(db.Memberships.Count())).First();
            (membership.ValidFrom, membership.ValidTo) = RandomWindow(random);
        });
    }

    /// <summary>Explains <paramref name="count"/> random samples against the stored rights, collecting the reasons.</summary>
    private async Task SampleAsync(Random random, RandomModel model, int count, List<AccessReason> reasons)
    {
        var stored = await StoredRightsAsync();
        for (var i = 0; i < count; i++)
        {
            // Half the samples on a (card, door) that has a stored right, so both outcomes occur.
            var (card, door) = i % 2 == 0 && stored.Rights.Count > 0
                ? stored.Rights.Keys.ElementAt(random.Next(stored.Rights.Count)) is var key ? (model.Cards.Single(c => c.Id == key.Card), model.Doors.Single(d => d.Id == key.Door)) : default
                : (Pick(random, model.Cards), Pick(random, model.Doors));
            var at = RangeStart.AddMinutes(random.Next(0, 24 * 60 * 21));
            var expected = stored.Admits(card.Id, door, At(at));

            var explanation = await ExplainAsync(card, door, at);

            var context = $"card {card.Id}, door {door.Id}, at {at:O}: {explanation.Summary}; {string.Join(" | ", explanation.Paths.Select(p => p.Why))}";
            Assert.True(expected == explanation.Granted, context);
            if (explanation.Reason is not (AccessReason.CardBlocked or AccessReason.CardLost or AccessReason.CardNotYetValid or AccessReason.CardExpired or AccessReason.PersonInactive))
            {
                Assert.True(explanation.Granted == explanation.Paths.Any(p => p.Admits), context);
            }

            if (i % 10 == 0)
            {
                var listed = (await WhoCanOpenAsync(door, at, includePin: true, limit: 1000)).Entries.Select(e => e.CardId).Order();
                Assert.Equal(model.Cards.Where(c => stored.Admits(c.Id, door, At(at))).Select(c => c.Id).Order(), listed);
            }

            reasons.Add(explanation.Reason);
        }
    }

    private static (DateTimeOffset?, DateTimeOffset?) RandomWindow(Random random)
    {
        DateTimeOffset? Time() => random.Next(3) == 0 ? null : RangeStart.AddHours(random.Next(-5 * 24, 26 * 24));
        var (a, b) = (Time(), Time());
        return a is not null && b is not null && a >= b ? (b, a.Value.AddDays(1)) : (a, b);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> list) => list[random.Next(list.Count)];
}
