using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Rights.Compiler;
using EdgeAccess.Cloud.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using BookingRecord = EdgeAccess.Protos.V1.BookingRecord;
using LabPolicyMode = EdgeAccess.Protos.V1.LabPolicyMode;
using NodeAccountRecord = EdgeAccess.Protos.V1.NodeAccountRecord;
using ResourceRecord = EdgeAccess.Protos.V1.ResourceRecord;

namespace EdgeAccess.Cloud.Tests.Rights;

/// <summary>
/// The lab-process records (issue 6, replica.proto): a resource run by a node, the active bookings
/// of such a resource and the OS accounts linked to people reach their site's feed through the
/// change processor, leave it when they stop qualifying, and ended bookings leave it once pruned.
/// </summary>
public sealed class LabRecordsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly HubServices _services = new();
    private RightsWorld _world = null!;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        _world = new RightsWorld(_services);
    }

    public Task DisposeAsync() => _services.DisposeAsync();

    [Fact]
    public async Task Compile_ResourceRunByANode_ResourceRecordWithThePolicyAsStored()
    {
        var site = await _world.SiteAsync("lab-resource");
        var node = await _world.NodeAsync(site, "lab-resource-1");
        var resource = await _world.ResourceAsync(site, "confocal");
        var plain = await _world.ResourceAsync(site, "room");

        await _world.EditAsync<BookingResource>(resource.Id, r =>
        {
            r.NodeId = node.Id;
            r.ControlPrograms = """["/opt/zen/bin/zen", "/opt/zen/lib/*.so"]""";
            (r.LabMode, r.LabWarningSeconds, r.LabGraceSeconds, r.LabIntervalSeconds) = (LabMode.Enforce, 600, 0, 2);
            (r.LabExemptAccounts, r.LabOsGroup) = (["svc-backup", "monitor"], "zen-users");
        });

        var records = await _world.RecordsAsync(site, RecordKind.Resource);
        var record = ResourceRecord.Parser.ParseFrom(Assert.Single(records, r => r.Key == resource.Id).Value);
        Assert.Equal((resource.Id.ToString(), "confocal", node.Id, true), (record.Id, record.Name, record.NodeId, record.Active));
        Assert.Equal(["/opt/zen/bin/zen", "/opt/zen/lib/*.so"], record.ControlPrograms);
        Assert.Equal(LabPolicyMode.Enforce, record.LabPolicy.Mode);
        Assert.Equal((600, 0, 2), (record.LabPolicy.WarningLeadSeconds, record.LabPolicy.GraceSeconds, record.LabPolicy.CheckIntervalSeconds));
        Assert.Equal(["svc-backup", "monitor"], record.LabPolicy.ExemptAccounts);
        Assert.Equal("zen-users", record.LabPolicy.OsGroup);
        Assert.DoesNotContain(plain.Id, records.Keys);

        // Maintenance is the node's report, not replicated: no feed entry.
        var head = await FeedCountAsync(site);
        await _world.EditAsync<BookingResource>(resource.Id, r => (r.MaintenanceSince, r.MaintenanceReason) = (Start, "grant failed"));
        Assert.Equal(head, await FeedCountAsync(site));

        await _world.EditAsync<BookingResource>(resource.Id, r => r.Active = false);
        Assert.False(ResourceRecord.Parser.ParseFrom((await _world.RecordsAsync(site, RecordKind.Resource))[resource.Id]).Active);
    }

    [Fact]
    public async Task Compile_BookingsOfANodeResource_ActiveOnesReplicatedWithThePendingFlag()
    {
        var site = await _world.SiteAsync("lab-bookings");
        var node = await _world.NodeAsync(site, "lab-bookings-1");
        var resource = await _world.ResourceAsync(site, "confocal");
        var other = await _world.ResourceAsync(site, "room");
        await _world.EditAsync<BookingResource>(resource.Id, r => r.NodeId = node.Id);
        var ada = await _world.PersonAsync("Ada");

        var pending = await _world.BookingAsync(resource, ada, Start, Start.AddHours(2), BookingStatus.Pending);
        var unrun = await _world.BookingAsync(other, ada, Start, Start.AddHours(2));

        var record = BookingRecord.Parser.ParseFrom((await _world.RecordsAsync(site, RecordKind.Booking))[pending.Id]);
        Assert.Equal((pending.Id.ToString(), resource.Id.ToString(), ada.Id.ToString()), (record.Id, record.ResourceId, record.PersonId));
        Assert.Equal((Timestamp.FromDateTimeOffset(Start), Timestamp.FromDateTimeOffset(Start.AddHours(2))), (record.StartsAt, record.EndsAt));
        Assert.True(record.Pending);
        Assert.DoesNotContain(unrun.Id, (await _world.RecordsAsync(site, RecordKind.Booking)).Keys);

        await _world.EditAsync<Booking>(pending.Id, b => b.Status = BookingStatus.Confirmed);
        Assert.False(BookingRecord.Parser.ParseFrom((await _world.RecordsAsync(site, RecordKind.Booking))[pending.Id]).Pending);

        await _world.EditAsync<Booking>(pending.Id, b => (b.StartsAt, b.EndsAt, b.OccupiedUntil) = (Start.AddDays(1), Start.AddDays(1).AddHours(1), Start.AddDays(1).AddHours(1)));
        Assert.Equal(Timestamp.FromDateTimeOffset(Start.AddDays(1)), BookingRecord.Parser.ParseFrom((await _world.RecordsAsync(site, RecordKind.Booking))[pending.Id]).StartsAt);

        await _world.EditAsync<Booking>(pending.Id, b => b.Status = BookingStatus.Cancelled);
        Assert.Empty(await _world.RecordsAsync(site, RecordKind.Booking));
        Assert.True(await ConsistentAsync());
    }

    [Fact]
    public async Task Compile_ResourceLosesAndRegainsItsNode_ItsRecordAndItsBookingsRecordsFollow()
    {
        var site = await _world.SiteAsync("lab-node-cleared");
        var node = await _world.NodeAsync(site, "lab-node-cleared-1");
        var resource = await _world.ResourceAsync(site, "confocal");
        await _world.EditAsync<BookingResource>(resource.Id, r => r.NodeId = node.Id);
        var ada = await _world.PersonAsync("Ada");
        var first = await _world.BookingAsync(resource, ada, Start, Start.AddHours(1));
        var second = await _world.BookingAsync(resource, ada, Start.AddHours(2), Start.AddHours(3), BookingStatus.CheckedIn);
        var before = await FeedCountAsync(site);

        await _world.EditAsync<BookingResource>(resource.Id, r => r.NodeId = null);

        Assert.Empty(await _world.RecordsAsync(site, RecordKind.Resource));
        Assert.Empty(await _world.RecordsAsync(site, RecordKind.Booking));
        var entries = await FeedEntriesAsync(site, before);
        Assert.Equal([(RecordKind.Resource, true), (RecordKind.Booking, true), (RecordKind.Booking, true)], entries.Select(e => (e.Kind, e.Deleted)));

        await _world.EditAsync<BookingResource>(resource.Id, r => r.NodeId = node.Id);

        Assert.Equal(new HashSet<Guid> { first.Id, second.Id }, (await _world.RecordsAsync(site, RecordKind.Booking)).Keys.ToHashSet());
        Assert.Single(await _world.RecordsAsync(site, RecordKind.Resource));
    }

    [Fact]
    public async Task Compile_ResourceWithBookingsInOneSave_ResourceComesFirstInTheFeed()
    {
        var site = await _world.SiteAsync("lab-order");
        var node = await _world.NodeAsync(site, "lab-order-1");
        var ada = await _world.PersonAsync("Ada");
        var before = await FeedCountAsync(site);
        var resource = new BookingResource { Id = Guid.CreateVersion7(), SiteId = site.Id, Kind = BookingResourceKind.LabInstallation, Name = "confocal", NodeId = node.Id };

        await _world.SaveAsync(db =>
        {
            // Bookings added first: the feed order must not depend on the tracker's.
            for (var i = 0; i < 3; i++)
            {
                db.Add(new Booking { Id = Guid.CreateVersion7(), ResourceId = resource.Id, PersonId = ada.Id, StartsAt = Start.AddHours(i), EndsAt = Start.AddHours(i + 1), OccupiedUntil = Start.AddHours(i + 1), Status = BookingStatus.Confirmed });
            }

            db.Add(resource);
            db.Add(new BookingRules { ResourceId = resource.Id });
        });

        var kinds = (await FeedEntriesAsync(site, before)).Select(e => e.Kind).ToList();
        Assert.Equal([RecordKind.Resource, RecordKind.Booking, RecordKind.Booking, RecordKind.Booking], kinds);
    }

    [Fact]
    public async Task Compile_NodeAccountLinkedUnlinkedAndPersonDeleted_RecordFollowsTheLink()
    {
        var site = await _world.SiteAsync("lab-accounts");
        var node = await _world.NodeAsync(site, "lab-accounts-1");
        var ada = await _world.PersonAsync("Ada");
        var unlinked = await _world.AccountAsync(node, 1001, "bob");

        var account = await _world.AccountAsync(node, 1000, "ada", ada);

        var record = NodeAccountRecord.Parser.ParseFrom(Assert.Single(await _world.RecordsAsync(site, RecordKind.NodeAccount)).Value);
        Assert.Equal((account.Id.ToString(), node.Id, 1000L, "ada", ada.Id.ToString()), (record.Id, record.NodeId, record.Uid, record.UserName, record.PersonId));

        await _world.EditAsync<NodeAccount>(account.Id, a => a.PersonId = null);
        Assert.Empty(await _world.RecordsAsync(site, RecordKind.NodeAccount));

        await _world.EditAsync<NodeAccount>(unlinked.Id, a => a.PersonId = ada.Id);
        await _world.EditAsync<NodeAccount>(account.Id, a => a.PersonId = ada.Id);
        Assert.Equal(2, (await _world.RecordsAsync(site, RecordKind.NodeAccount)).Count);

        // ON DELETE SET NULL unlinks both rows in the database, which the context never tracked.
        await _world.SaveAsync(db => db.Remove(db.People.Single(p => p.Id == ada.Id)));

        Assert.Empty(await _world.RecordsAsync(site, RecordKind.NodeAccount));
        await using var check = _services.NewContext();
        Assert.Equal(2, await check.NodeAccounts.CountAsync(a => a.NodeId == node.Id && a.PersonId == null));
        Assert.True((await _services.Compiler.VerifyAsync(check, CancellationToken.None)).Consistent);
    }

    [Fact]
    public async Task Prune_BookingEndedLongerThanTheRetention_TermsAndRecordRemovedOnlyAfterIt()
    {
        var site = await _world.SiteAsync("lab-prune");
        var node = await _world.NodeAsync(site, "lab-prune-1");
        var door = await _world.DoorAsync(site, "lab");
        var resource = await _world.ResourceAsync(site, "confocal", earlyEntry: 15, grace: 10, door);
        await _world.EditAsync<BookingResource>(resource.Id, r => r.NodeId = node.Id);
        var ada = await _world.PersonAsync("Ada");
        var card = await _world.CardAsync(ada);
        var booking = await _world.BookingAsync(resource, ada, Start, Start.AddHours(1));
        var windowEnd = Start.AddHours(1).AddMinutes(10);
        var since = Start.AddDays(-30);

        // One minute before the end of the window plus the retention (1 hour): nothing to prune.
        _services.Clock.Set(windowEnd.AddHours(1).AddMinutes(-1));
        Assert.Equal(0, await _world.PruneAsync(since));
        Assert.NotNull(await _world.RightAsync(card, door));
        Assert.Contains(booking.Id, (await _world.RecordsAsync(site, RecordKind.Booking)).Keys);

        // Past it, the stored state is stale until the pruner runs.
        _services.Clock.Set(windowEnd.AddHours(1).AddMinutes(1));
        await using (var db = _services.NewContext())
        {
            Assert.Equal(new CompileReport(1, 1), await _services.Compiler.VerifyAsync(db, CancellationToken.None));
        }

        Assert.Equal(1, await _world.PruneAsync(since));

        Assert.Null(await _world.RightAsync(card, door));
        Assert.Empty(await _world.RecordsAsync(site, RecordKind.Booking));
        Assert.True(await ConsistentAsync());
        Assert.Equal(0, await _world.PruneAsync(since));
    }

    [Fact]
    public async Task Prune_PersonKeepsASchemeRightOnTheDoor_OnlyTheBookingTermGoes()
    {
        var site = await _world.SiteAsync("lab-prune-scheme");
        var door = await _world.DoorAsync(site, "lab");
        var office = await _world.ScheduleAsync(site, "office", 480, 1080);
        var group = await _world.GroupAsync("lab-prune-scheme-g");
        await _world.SchemeAsync(site, group, office, doors: door);
        var resource = await _world.ResourceAsync(site, "confocal", 0, 0, door);
        var ada = await _world.PersonAsync("Ada");
        var card = await _world.CardAsync(ada);
        await _world.MemberAsync(ada, group);
        await _world.BookingAsync(resource, ada, Start, Start.AddHours(1));
        Assert.Equal(2, (await _world.RightAsync(card, door))!.Terms.Count);

        _services.Clock.Set(Start.AddHours(3));
        Assert.Equal(1, await _world.PruneAsync(Start.AddDays(-1)));

        var term = Assert.Single((await _world.RightAsync(card, door))!.Terms);
        Assert.Equal(office.Id.ToString(), term.ScheduleId);
        Assert.Equal(0, await _world.PruneAsync(Start.AddDays(-1)));
    }

    private async Task<bool> ConsistentAsync()
    {
        await using var db = _services.NewContext();
        return (await _services.Compiler.VerifyAsync(db, CancellationToken.None)).Consistent;
    }

    private async Task<long> FeedCountAsync(Site site)
    {
        await using var db = _services.NewContext();
        return await db.FeedEntries.LongCountAsync(e => e.SiteId == site.Id);
    }

    private async Task<List<FeedEntry>> FeedEntriesAsync(Site site, long skip)
    {
        await using var db = _services.NewContext();
        return await db.FeedEntries.Where(e => e.SiteId == site.Id).OrderBy(e => e.Position).Skip((int)skip).ToListAsync();
    }
}
