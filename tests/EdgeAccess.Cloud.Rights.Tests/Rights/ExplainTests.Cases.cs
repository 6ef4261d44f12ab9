using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights.Explain;
using EdgeAccess.Cloud.Tests.Infrastructure;

namespace EdgeAccess.Cloud.Tests.Rights;

public sealed partial class ExplainTests
{
    [Fact]
    public async Task ExplainByNumberHash_UnknownNumber_UnknownCardNotAnError()
    {
        var (_, door, _, _) = await DoorOfGroupAsync();
        await using var db = _services.NewContext();

        var explanation = await _explainer.ExplainByNumberHashAsync(db, RandomNumberGenerator.GetBytes(32), door.Id, At(Monday), _timeout.Token).WithTimeout();

        Assert.NotNull(explanation);
        Assert.Equal(AccessReason.UnknownCard, explanation.Reason);
        Assert.Null(explanation.Card);
        Assert.Empty(explanation.Paths);
        Assert.Equal(door.Id, explanation.Door.Id);
    }

    [Fact]
    public async Task ExplainByNumberHash_KnownNumber_ExplainsThatCard()
    {
        var (_, door, group, _) = await DoorOfGroupAsync();
        var (_, card) = await MemberWithCardAsync(group);
        await using var db = _services.NewContext();

        var explanation = await _explainer.ExplainByNumberHashAsync(db, card.NumberHash, door.Id, At(Monday), _timeout.Token).WithTimeout();

        Assert.Equal(card.Id, explanation?.Card?.Id);
        Assert.Equal(AccessReason.Granted, explanation?.Reason);
    }

    [Fact]
    public async Task Explain_UnknownDoor_Null()
    {
        var (_, _, group, _) = await DoorOfGroupAsync();
        var (_, card) = await MemberWithCardAsync(group);
        await using var db = _services.NewContext();

        Assert.Null(await _explainer.ExplainAsync(db, card.Id, Guid.CreateVersion7(), At(Monday), _timeout.Token).WithTimeout());
    }

    [Fact]
    public async Task Explain_CardValidity_NotYetValidThenExpired()
    {
        var (_, door, group, _) = await DoorOfGroupAsync();
        var person = await _world.PersonAsync(Unique("p"));
        var card = await _world.CardAsync(person, from: Monday, to: Monday.AddDays(7));
        await _world.MemberAsync(person, group);

        Assert.Equal(AccessReason.CardNotYetValid, (await ExplainAsync(card, door, Monday.AddMinutes(-1))).Reason);
        Assert.Equal(AccessReason.Granted, (await ExplainAsync(card, door, Monday)).Reason);
        Assert.Equal(AccessReason.CardExpired, (await ExplainAsync(card, door, Monday.AddDays(7))).Reason);
    }

    [Fact]
    public async Task Explain_InactivePerson_PersonInactiveWithThePathsTheyWouldHave()
    {
        var (_, door, group, _) = await DoorOfGroupAsync();
        var (person, card) = await MemberWithCardAsync(group);
        await _world.SaveAsync(db => { db.Attach(person); person.Active = false; });

        var explanation = await ExplainAsync(card, door, Monday);

        Assert.Equal(AccessReason.PersonInactive, explanation.Reason);
        Assert.False(explanation.Person!.Active);
        Assert.Equal(AccessPathStatus.Admits, Assert.Single(explanation.Paths).Status);
        Assert.Null(await _world.RightAsync(card, door));
    }

    [Fact]
    public async Task Explain_NoPathAtAll_NoRight()
    {
        var (_, door, _, _) = await DoorOfGroupAsync();
        var (_, card) = await MemberWithCardAsync(await _world.GroupAsync(Unique("other")));

        var explanation = await ExplainAsync(card, door, Monday);

        Assert.Equal(AccessReason.NoRight, explanation.Reason);
        Assert.Empty(explanation.Paths);
    }

    [Fact]
    public async Task Explain_DirectGrantWithoutPinBesidePinScheme_GrantedWithoutPin()
    {
        var (site, door, group, always) = await DoorOfGroupAsync();
        await _world.SchemeAsync(site, group, await _world.ScheduleAsync(site, "day", 8 * 60, 18 * 60), pin: true, doors: door);
        var (person, card) = await MemberWithCardAsync(group);
        await GrantAsync(person, door, always, from: Monday.AddDays(-1), to: Monday.AddDays(1));

        var explanation = await ExplainAsync(card, door, Monday.AddHours(10));

        Assert.Equal(AccessReason.Granted, explanation.Reason);
        Assert.False(explanation.PinRequired, "one admitting term needs no PIN");
        Assert.Equal(3, explanation.Paths.Count(p => p.Admits));
        var grant = Assert.Single(explanation.Paths, p => p.Kind == AccessPathKind.DirectGrant);
        Assert.Equal("night shift", grant.GrantReason);
        Assert.Empty(grant.Groups);
    }

    [Fact]
    public async Task Explain_EmitsASpanWithTheDecision()
    {
        var (_, door, group, _) = await DoorOfGroupAsync();
        var (_, card) = await MemberWithCardAsync(group, CardStatus.Blocked);
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "EdgeAccess.Cloud",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await ExplainAsync(card, door, Monday);
        await WhoCanOpenAsync(door, Monday);

        var explain = Assert.Single(spans, s => s.OperationName == "access.explain" && (string?)s.GetTagItem("edgeaccess.door") == door.Id.ToString());
        Assert.Equal("CardBlocked", explain.GetTagItem("edgeaccess.access.reason"));
        Assert.Equal(false, explain.GetTagItem("edgeaccess.access.granted"));
        Assert.Equal(card.Id.ToString(), explain.GetTagItem("edgeaccess.card"));
        var who = Assert.Single(spans, s => s.OperationName == "access.who_can_open" && (string?)s.GetTagItem("edgeaccess.door") == door.Id.ToString());
        Assert.Equal(0, who.GetTagItem("edgeaccess.access.entries"));
    }
}
