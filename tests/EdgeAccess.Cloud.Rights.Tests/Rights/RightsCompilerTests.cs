using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Tests.Rights;

public sealed class RightsCompilerTests : IAsyncLifetime
{
    private readonly HubServices _services = new();
    private RightsWorld _world = null!;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        _world = new RightsWorld(_services);
    }

    public Task DisposeAsync() => _services.DisposeAsync();

    [Fact]
    public async Task Compile_NestedGroups_InheritsSchemesOfEveryAncestor()
    {
        var site = await _world.SiteAsync("nest");
        var lab = await _world.DoorAsync(site, "lab");
        var always = await _world.ScheduleAsync(site, "always");
        var (staff, chemistry, students) = (await _world.GroupAsync("staff"), await _world.GroupAsync("chemistry"), await _world.GroupAsync("students"));
        await _world.NestAsync(chemistry, staff);
        await _world.NestAsync(students, chemistry);
        await _world.SchemeAsync(site, staff, always, doors: lab);
        var ada = await _world.PersonAsync("Ada");
        var card = await _world.CardAsync(ada);

        await _world.MemberAsync(ada, students);

        var right = await _world.RightAsync(card, lab);
        Assert.NotNull(right);
        Assert.Equal(always.Id.ToString(), Assert.Single(right.Terms).ScheduleId);
    }

    [Fact]
    public async Task Compile_InactiveGroupInTheChain_PassesNothingOn()
    {
        var site = await _world.SiteAsync("inactive");
        var door = await _world.DoorAsync(site, "door");
        var always = await _world.ScheduleAsync(site, "always");
        var (parent, middle, child) = (await _world.GroupAsync("p"), await _world.GroupAsync("m"), await _world.GroupAsync("c"));
        await _world.NestAsync(middle, parent);
        await _world.NestAsync(child, middle);
        await _world.SchemeAsync(site, parent, always, doors: door);
        var person = await _world.PersonAsync("Bo");
        var card = await _world.CardAsync(person);
        await _world.MemberAsync(person, child);
        Assert.NotNull(await _world.RightAsync(card, door));

        await _world.SaveAsync(db => { db.Attach(middle); middle.Active = false; });

        Assert.Null(await _world.RightAsync(card, door));
    }

    [Fact]
    public async Task Compile_ValidityWindows_IntersectCardMembershipAndScheme()
    {
        var site = await _world.SiteAsync("windows");
        var door = await _world.DoorAsync(site, "door");
        var always = await _world.ScheduleAsync(site, "always");
        var group = await _world.GroupAsync("g");
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await _world.SchemeAsync(site, group, always, from: t0.AddDays(10), to: t0.AddDays(40), doors: door);
        var person = await _world.PersonAsync("Cy");
        var card = await _world.CardAsync(person, from: t0, to: t0.AddDays(30));
        await _world.MemberAsync(person, group, from: t0.AddDays(5), to: t0.AddDays(60));

        var term = Assert.Single((await _world.RightAsync(card, door))!.Terms);

        Assert.Equal(t0.AddDays(10), term.ValidFrom.ToDateTimeOffset());
        Assert.Equal(t0.AddDays(30), term.ValidTo.ToDateTimeOffset());
    }

    [Fact]
    public async Task Compile_OverlappingGrantsSameSchedule_MergeIntoTheUnionOfWindows()
    {
        var site = await _world.SiteAsync("merge");
        var door = await _world.DoorAsync(site, "door");
        var office = await _world.ScheduleAsync(site, "office", 480, 1080);
        var night = await _world.ScheduleAsync(site, "night", 1320, 360);
        var (a, b) = (await _world.GroupAsync("a"), await _world.GroupAsync("b"));
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await _world.SchemeAsync(site, a, office, from: t0, to: t0.AddDays(10), doors: door);
        await _world.SchemeAsync(site, b, office, from: t0.AddDays(5), to: t0.AddDays(20), doors: door);
        await _world.SchemeAsync(site, b, night, doors: door);
        var person = await _world.PersonAsync("Di");
        var card = await _world.CardAsync(person);
        await _world.MemberAsync(person, a);
        await _world.MemberAsync(person, b);

        var terms = (await _world.RightAsync(card, door))!.Terms;

        var officeTerm = Assert.Single(terms, t => t.ScheduleId == office.Id.ToString());
        Assert.Equal(t0, officeTerm.ValidFrom.ToDateTimeOffset());
        Assert.Equal(t0.AddDays(20), officeTerm.ValidTo.ToDateTimeOffset());
        Assert.Single(terms, t => t.ScheduleId == night.Id.ToString() && t.ValidFrom is null && t.ValidTo is null);
    }

    [Fact]
    public async Task Compile_BlockedCardAndPinDoor_DropsTheBlockedCardAndMarksThePin()
    {
        var site = await _world.SiteAsync("pin");
        var vault = await _world.DoorAsync(site, "vault", pin: true);
        var always = await _world.ScheduleAsync(site, "always");
        var group = await _world.GroupAsync("g");
        await _world.SchemeAsync(site, group, always, doors: vault);
        var person = await _world.PersonAsync("Ed");
        var good = await _world.CardAsync(person);
        var blocked = await _world.CardAsync(person, CardStatus.Blocked);
        await _world.MemberAsync(person, group);

        Assert.True(Assert.Single((await _world.RightAsync(good, vault))!.Terms).RequiresPin);
        Assert.Null(await _world.RightAsync(blocked, vault));

        await _world.SaveAsync(db => { db.Attach(good); good.Status = CardStatus.Lost; });
        Assert.Null(await _world.RightAsync(good, vault));
    }

    [Fact]
    public async Task Nesting_ThatClosesACycle_IsRejectedAndNothingIsWritten()
    {
        var (a, b, c) = (await _world.GroupAsync("cyc-a"), await _world.GroupAsync("cyc-b"), await _world.GroupAsync("cyc-c"));
        await _world.NestAsync(a, b);
        await _world.NestAsync(b, c);

        var error = await Assert.ThrowsAsync<HubValidationException>(() => _world.NestAsync(c, a));

        Assert.Equal("child_group_id", error.Field);
        Assert.Contains("cyc-a", error.Reason, StringComparison.Ordinal);
        await using var db = _services.NewContext();
        Assert.Equal(2, await db.GroupNestings.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync(e => e.EntityType == nameof(GroupNesting) && e.EntityId.StartsWith(a.Id.ToString())));
    }

    [Fact]
    public async Task Save_AnyChange_WritesAnAuditEntryWithoutSecrets()
    {
        var person = await _world.PersonAsync("Fay");
        var card = await _world.CardAsync(person);
        await _world.SaveAsync(db => { db.Attach(card); card.PinHash = "secret-pin-hash"; card.Status = CardStatus.Blocked; });

        await using var db = _services.NewContext();
        var update = await db.AuditEntries.SingleAsync(e => e.EntityType == nameof(Card) && e.Action == "update");
        Assert.Equal("tester", update.ActorName);
        using var before = System.Text.Json.JsonDocument.Parse(update.Before!);
        using var after = System.Text.Json.JsonDocument.Parse(update.After!);
        Assert.Equal("Active", before.RootElement.GetProperty("status").GetString());
        Assert.Equal("Blocked", after.RootElement.GetProperty("status").GetString());
        Assert.True(after.RootElement.GetProperty("pin_set").GetBoolean());
        Assert.False(before.RootElement.GetProperty("pin_set").GetBoolean());
        Assert.DoesNotContain("secret-pin-hash", update.After, StringComparison.Ordinal);
        Assert.Equal(2, (await db.Cards.SingleAsync()).Version);
    }
}
