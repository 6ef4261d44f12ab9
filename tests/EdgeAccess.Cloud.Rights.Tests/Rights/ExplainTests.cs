using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights.Explain;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Schedules;

namespace EdgeAccess.Cloud.Tests.Rights;

/// <summary>Explain access: the decision an edge would take, with every grant path as evidence.</summary>
public sealed partial class ExplainTests
{
    [Fact]
    public async Task Explain_NestedChain_GrantedWithTheWholeChain()
    {
        var site = await _world.SiteAsync(Unique("nest"));
        var lab = await _world.DoorAsync(site, "lab");
        var always = await _world.ScheduleAsync(site, "always");
        var (staff, chemistry, students) = (await _world.GroupAsync(Unique("staff")), await _world.GroupAsync(Unique("chem")), await _world.GroupAsync(Unique("stud")));
        await _world.NestAsync(chemistry, staff);
        await _world.NestAsync(students, chemistry);
        var scheme = await _world.SchemeAsync(site, staff, always, doors: lab);
        var ada = await _world.PersonAsync("Ada");
        var card = await _world.CardAsync(ada);
        await _world.AddAsync(new Membership { Id = Guid.CreateVersion7(), PersonId = ada.Id, GroupId = students.Id, RoleTitle = "PhD student" });

        var explanation = await ExplainAsync(card, lab, Monday.AddHours(10));

        Assert.Equal(AccessReason.Granted, explanation.Reason);
        Assert.False(explanation.PinRequired);
        var path = Assert.Single(explanation.Paths);
        Assert.Equal(AccessPathStatus.Admits, path.Status);
        Assert.True(path.Compiled && path.ValidAtTime);
        Assert.Equal([students.Name, chemistry.Name, staff.Name], path.Groups.Select(g => g.Name));
        Assert.All(path.Groups, g => Assert.True(g.Active));
        Assert.Equal("PhD student", path.RoleTitle);
        Assert.Equal(scheme.Id, path.SchemeId);
        Assert.Equal("always", path.ScheduleName);
        Assert.Equal(ScheduleReason.InSchedule, path.Schedule?.Reason);
        Assert.Contains($"{students.Name} ⊂ {chemistry.Name} ⊂ {staff.Name}", explanation.Summary, StringComparison.Ordinal);
        Assert.Contains("granted", explanation.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_InactiveGroupInTheChain_DeniedWithThePathMarkedInactive()
    {
        var site = await _world.SiteAsync(Unique("inactive"));
        var door = await _world.DoorAsync(site, "door");
        var always = await _world.ScheduleAsync(site, "always");
        var (parent, middle, child) = (await _world.GroupAsync(Unique("p")), await _world.GroupAsync(Unique("m"), active: false), await _world.GroupAsync(Unique("c")));
        await _world.NestAsync(middle, parent);
        await _world.NestAsync(child, middle);
        await _world.SchemeAsync(site, parent, always, doors: door);
        var (_, card) = await MemberWithCardAsync(child);

        var explanation = await ExplainAsync(card, door, Monday.AddHours(10));

        Assert.Equal(AccessReason.NoRight, explanation.Reason);
        var path = Assert.Single(explanation.Paths);
        Assert.Equal(AccessPathStatus.InactiveGroup, path.Status);
        Assert.False(path.Compiled);
        Assert.Equal([true, false, true], path.Groups.Select(g => g.Active));
        Assert.Contains(middle.Name, path.Why, StringComparison.Ordinal);
        Assert.Null(await _world.RightAsync(card, door));
    }

    [Fact]
    public async Task Explain_OfficeHoursAtNightInBerlin_OutsideScheduleInLocalTime()
    {
        var (_, door, group, _) = await DoorOfGroupAsync(schedule: site => OfficeHoursAsync(site));
        var (_, card) = await MemberWithCardAsync(group);

        // Tuesday 31 March 2026 21:30 UTC is 23:30 in Berlin (CEST, UTC+2); 07:30 UTC is 09:30.
        var night = await ExplainAsync(card, door, Monday.AddDays(1).AddHours(21.5));
        var morning = await ExplainAsync(card, door, Monday.AddDays(1).AddHours(7.5));

        Assert.Equal(AccessReason.OutsideSchedule, night.Reason);
        Assert.Equal(AccessPathStatus.OutsideSchedule, Assert.Single(night.Paths).Status);
        Assert.Equal("2026-03-31T23:30:00+02:00 Europe/Berlin (Tuesday)", ExplainText.Local(night.LocalTime));
        Assert.Contains("23:30:00+02:00 Europe/Berlin (Tuesday)", night.Summary, StringComparison.Ordinal);
        Assert.Equal(AccessReason.Granted, morning.Reason);
        var verdict = Assert.Single(morning.Paths).Schedule!.Value;
        Assert.Equal((8 * 60, 18 * 60), (verdict.StartMinute, verdict.EndMinute));
    }

    [Fact]
    public async Task Explain_OnTheDstChangeDay_UsesThatDaysOffset()
    {
        // Sunday 29 March 2026: Berlin springs from UTC+1 to UTC+2 at 02:00 local.
        var (_, door, group, _) = await DoorOfGroupAsync(schedule: site => _world.ScheduleAsync(site, "daily", 8 * 60, 18 * 60));
        var (_, card) = await MemberWithCardAsync(group);
        var dstDay = new DateTimeOffset(2026, 3, 29, 6, 30, 0, TimeSpan.Zero);

        var afterChange = await ExplainAsync(card, door, dstDay);            // 08:30+02:00: open
        var dayBefore = await ExplainAsync(card, door, dstDay.AddDays(-1));  // 07:30+01:00: not yet

        Assert.Equal(AccessReason.Granted, afterChange.Reason);
        Assert.Equal("2026-03-29T08:30:00+02:00 Europe/Berlin (Sunday)", ExplainText.Local(afterChange.LocalTime));
        Assert.Equal(AccessReason.OutsideSchedule, dayBefore.Reason);
        Assert.Equal("2026-03-28T07:30:00+01:00 Europe/Berlin (Saturday)", ExplainText.Local(dayBefore.LocalTime));
    }

    [Fact]
    public async Task Explain_OnAHoliday_DeniedWithTheHolidayName()
    {
        var (_, door, group, _) = await DoorOfGroupAsync(schedule: async site =>
            await OfficeHoursAsync(site, await CalendarAsync(site, (new DateOnly(2026, 4, 3), "Good Friday"))));
        var (_, card) = await MemberWithCardAsync(group);

        var explanation = await ExplainAsync(card, door, new DateTimeOffset(2026, 4, 3, 8, 0, 0, TimeSpan.Zero));

        Assert.Equal(AccessReason.Holiday, explanation.Reason);
        var path = Assert.Single(explanation.Paths);
        Assert.Equal(AccessPathStatus.Holiday, path.Status);
        Assert.Equal("Good Friday", path.Schedule?.DayName);
        Assert.Contains("Good Friday", path.Why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CardStatus.Blocked, AccessReason.CardBlocked)]
    [InlineData(CardStatus.Lost, AccessReason.CardLost)]
    public async Task Explain_UnusableCard_DeniedBeforeAnyPath(CardStatus status, AccessReason expected)
    {
        var (_, door, group, _) = await DoorOfGroupAsync();
        var (_, card) = await MemberWithCardAsync(group, status);

        var explanation = await ExplainAsync(card, door, Monday);

        Assert.Equal(expected, explanation.Reason);
        Assert.Equal(status, explanation.Card?.Status);
        Assert.True(Assert.Single(explanation.Paths).Compiled, "the path itself is fine; the card stops it");
        Assert.Null(await _world.RightAsync(card, door));
    }

    [Fact]
    public async Task Explain_ExpiredMembership_NotValidAtTime()
    {
        var (_, door, group, _) = await DoorOfGroupAsync();
        var (_, card) = await MemberWithCardAsync(group, from: Monday.AddDays(-30), to: Monday.AddDays(-1));

        var explanation = await ExplainAsync(card, door, Monday);

        Assert.Equal(AccessReason.NotValidAtTime, explanation.Reason);
        var path = Assert.Single(explanation.Paths);
        Assert.Equal(AccessPathStatus.MembershipExpired, path.Status);
        Assert.True(path.Compiled);
        Assert.False(path.ValidAtTime);
        Assert.Contains("2026-03-29T00:00:00Z", path.Why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_PinDoor_GrantedWithPinRequired()
    {
        var (_, door, group, _) = await DoorOfGroupAsync(pinDoor: true);
        var (_, card) = await MemberWithCardAsync(group);

        var explanation = await ExplainAsync(card, door, Monday);

        Assert.Equal(AccessReason.Granted, explanation.Reason);
        Assert.True(explanation.PinRequired);
        Assert.True(Assert.Single(explanation.Paths).RequiresPin);
        Assert.True(explanation.Door.RequiresPin);
        Assert.False(explanation.Card!.PinSet);
    }
}
