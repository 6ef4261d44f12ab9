using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Tests.Infrastructure;

namespace EdgeAccess.Cloud.Tests.Rights;

public sealed partial class ExplainTests
{
    [Fact]
    public async Task WhoCanOpen_DayVersusNight_OnlyThoseWhoseScheduleAdmits()
    {
        var (site, door, group, office) = await DoorOfGroupAsync(schedule: site => OfficeHoursAsync(site));
        var (dayWorker, dayCard) = await MemberWithCardAsync(group);
        await MemberWithCardAsync(group, CardStatus.Blocked);
        var (inactive, _) = await MemberWithCardAsync(group);
        await _world.SaveAsync(db => { db.Attach(inactive); inactive.Active = false; });
        var nightWorker = await _world.PersonAsync(Unique("night"));
        var nightCard = await _world.CardAsync(nightWorker);
        var night = await _world.ScheduleAsync(site, "night", 22 * 60, 6 * 60);
        await GrantAsync(nightWorker, door, night);

        var day = await WhoCanOpenAsync(door, Monday.AddHours(10));       // 12:00 in Berlin
        var late = await WhoCanOpenAsync(door, Monday.AddHours(21.5));    // 23:30 in Berlin

        var dayEntry = Assert.Single(day.Entries);
        Assert.Equal((dayCard.Id, dayWorker.Id), (dayEntry.CardId, dayEntry.PersonId));
        Assert.Equal(office.Id, Assert.Single(dayEntry.Terms).ScheduleId);
        var nightEntry = Assert.Single(late.Entries);
        Assert.Equal(nightCard.Id, nightEntry.CardId);
        var term = Assert.Single(nightEntry.Terms);
        Assert.Equal("night", term.ScheduleName);
        Assert.Equal((22 * 60, 6 * 60), (term.Verdict.StartMinute, term.Verdict.EndMinute));
        Assert.Equal(23, late.LocalTime.Hour);
    }

    [Fact]
    public async Task WhoCanOpen_PinDoor_ListedOnlyWhenPinRequiredIsIncluded()
    {
        var (_, door, group, _) = await DoorOfGroupAsync(pinDoor: true);
        var (_, card) = await MemberWithCardAsync(group);

        var without = await WhoCanOpenAsync(door, Monday);
        var with = await WhoCanOpenAsync(door, Monday, includePin: true);

        Assert.Empty(without.Entries);
        var entry = Assert.Single(with.Entries);
        Assert.Equal(card.Id, entry.CardId);
        Assert.True(entry.PinRequired);
    }

    [Fact]
    public async Task WhoCanOpen_Keyset_PagesThroughEveryCardOnceInIdOrder()
    {
        var (_, door, group, _) = await DoorOfGroupAsync();
        var cards = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            cards.Add((await MemberWithCardAsync(group)).Card.Id);
        }

        var seen = new List<Guid>();
        Guid? after = null;
        for (var page = 0; page < 10; page++)
        {
            var result = await WhoCanOpenAsync(door, Monday, limit: 2, after: after);
            seen.AddRange(result.Entries.Select(e => e.CardId));
            if (result.Entries.Count < 2)
            {
                break;
            }

            after = result.Entries[^1].CardId;
        }

        Assert.Equal(cards.Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }
}
