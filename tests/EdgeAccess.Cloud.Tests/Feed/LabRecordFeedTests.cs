using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Compiler;
using EdgeAccess.Cloud.Tests.Booking;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RecordKind = EdgeAccess.Cloud.Data.Entities.RecordKind;
using Stored = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Tests.Feed;

/// <summary>
/// The lab-process records (issue 6) through the hub's admin API: a resource run by a node, its
/// active bookings and the OS accounts linked to people reach the site feed and its snapshot as
/// every admin write saves, and leave it when cancelled, unlinked, the node cleared or the person
/// deleted.
/// </summary>
public sealed class LabRecordFeedTests(BookingHub hub) : IClassFixture<BookingHub>
{
    private NpgsqlDataSource DataSource => hub.Host.App.Services.GetRequiredService<NpgsqlDataSource>();

    private Guid Site => Guid.Parse(hub.SiteId);

    [Fact]
    public async Task CreateResource_WithANode_ResourceRecordPublishedAndRemovedWhenTheNodeIsCleared()
    {
        var node = await CreateNodeAsync();
        var cursor = await HeadAsync();

        var resource = await CreateResourceAsync(node, approval: false);

        var published = Assert.Single(await ChangesAsync(cursor, RecordKind.Resource));
        var record = ResourceRecord.Parser.ParseFrom(published.Payload);
        Assert.Equal((resource.Id, resource.Name, node, true), (record.Id, record.Name, record.NodeId, record.Active));
        Assert.Equal(["/opt/zen/bin/zen", "/opt/zen/*.sh"], record.ControlPrograms);
        Assert.Equal(new LabPolicy(), record.LabPolicy);
        var booking = await hub.BookAsync(resource.Id, hub.Day(2).AddHours(9), 60, await hub.CreatePersonAsync());
        Assert.Contains(Guid.Parse(booking.Id), (await StoredAsync(RecordKind.Booking)).Keys);

        // The policy as the columns hold it (0: the node's default), written by any admin path.
        await EditAsync<Stored.BookingResource>(Guid.Parse(resource.Id), r => (r.LabMode, r.LabGraceSeconds, r.LabExemptAccounts) = (Stored.LabMode.Monitor, 90, ["backup"]));
        var policy = ResourceRecord.Parser.ParseFrom((await StoredAsync(RecordKind.Resource))[Guid.Parse(resource.Id)]).LabPolicy;
        Assert.Equal((LabPolicyMode.Monitor, 90, 0, 0, "backup"), (policy.Mode, policy.GraceSeconds, policy.WarningLeadSeconds, policy.CheckIntervalSeconds, Assert.Single(policy.ExemptAccounts)));
        await EditAsync<Stored.BookingResource>(Guid.Parse(resource.Id), r => r.LabMode = Stored.LabMode.Off);
        cursor = await HeadAsync();

        resource = await hub.Booking.GetResourceAsync(new GetResourceRequest { Id = resource.Id }, hub.Admin).ResponseAsync.WithTimeout();
        resource.NodeId = "";
        await hub.Booking.UpdateResourceAsync(new UpdateResourceRequest { Resource = resource }, hub.Admin).ResponseAsync.WithTimeout();

        var removed = await ChangesAsync(cursor, RecordKind.Resource, RecordKind.Booking);
        Assert.Equal([(RecordKind.Resource, Guid.Parse(resource.Id), true), (RecordKind.Booking, Guid.Parse(booking.Id), true)], removed.Select(e => (e.Kind, e.EntityId, e.Deleted)));
        Assert.DoesNotContain(Guid.Parse(resource.Id), (await StoredAsync(RecordKind.Resource)).Keys);
    }

    [Fact]
    public async Task BookingLifecycle_ThroughTheApi_RecordFollowsApprovalAndCancellation()
    {
        var node = await CreateNodeAsync();
        var resource = await CreateResourceAsync(node, approval: true);
        var person = await hub.CreatePersonAsync();
        var start = hub.Day(3).AddHours(14);

        var booking = await hub.BookAsync(resource.Id, start, 90, person);

        Assert.Equal(BookingStatus.Pending, booking.Status);
        var record = BookingRecord.Parser.ParseFrom((await SnapshotAsync())[(RecordKind.Booking, Guid.Parse(booking.Id))]);
        Assert.Equal((booking.Id, resource.Id, person, true), (record.Id, record.ResourceId, record.PersonId, record.Pending));
        Assert.Equal((Timestamp.FromDateTimeOffset(start), Timestamp.FromDateTimeOffset(start.AddMinutes(90))), (record.StartsAt, record.EndsAt));
        Assert.Contains((RecordKind.Resource, Guid.Parse(resource.Id)), (await SnapshotAsync()).Keys);

        booking = await hub.Booking.ApproveBookingAsync(new DecideBookingRequest { Id = booking.Id, Etag = booking.Etag }, hub.Operator).ResponseAsync.WithTimeout();

        Assert.False(BookingRecord.Parser.ParseFrom((await SnapshotAsync())[(RecordKind.Booking, Guid.Parse(booking.Id))]).Pending);
        var cursor = await HeadAsync();

        await hub.Booking.CancelBookingAsync(new CancelBookingRequest { Id = booking.Id, Etag = booking.Etag }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.True(Assert.Single(await ChangesAsync(cursor, RecordKind.Booking)).Deleted);
        Assert.DoesNotContain((RecordKind.Booking, Guid.Parse(booking.Id)), (await SnapshotAsync()).Keys);
        await AssertConsistentAsync();
    }

    [Fact]
    public async Task NodeAccount_LinkedUnlinkedAndPersonDeleted_RecordFollowsTheLink()
    {
        var node = await CreateNodeAsync();
        var person = await hub.CreatePersonAsync();
        var account = new Stored.NodeAccount
        {
            Id = Guid.CreateVersion7(), NodeId = node, Uid = 1000, Name = "ada", ReportedAt = hub.Clock.GetUtcNow(), PersonId = Guid.Parse(person),
        };

        await SaveAsync(db => db.NodeAccounts.Add(account));

        var record = NodeAccountRecord.Parser.ParseFrom((await SnapshotAsync())[(RecordKind.NodeAccount, account.Id)]);
        Assert.Equal((account.Id.ToString(), node, 1000L, "ada", person), (record.Id, record.NodeId, record.Uid, record.UserName, record.PersonId));

        await EditAsync<Stored.NodeAccount>(account.Id, a => a.PersonId = null);
        Assert.DoesNotContain(account.Id, (await StoredAsync(RecordKind.NodeAccount)).Keys);

        await EditAsync<Stored.NodeAccount>(account.Id, a => (a.PersonId, a.Name) = (Guid.Parse(person), "ada2"));
        Assert.Equal("ada2", NodeAccountRecord.Parser.ParseFrom((await StoredAsync(RecordKind.NodeAccount))[account.Id]).UserName);
        var cursor = await HeadAsync();

        var etag = (await hub.People.GetPersonAsync(new GetPersonRequest { Id = person }, hub.Admin).ResponseAsync.WithTimeout()).Etag;
        await hub.People.DeletePersonAsync(new DeletePersonRequest { Id = person, Etag = etag }, hub.Admin).ResponseAsync.WithTimeout();

        Assert.True(Assert.Single(await ChangesAsync(cursor, RecordKind.NodeAccount)).Deleted);
        await using var scope = hub.Host.CreateScope();
        Assert.Null((await scope.ServiceProvider.GetRequiredService<HubDbContext>().NodeAccounts.SingleAsync(a => a.Id == account.Id)).PersonId);
        await AssertConsistentAsync();
    }

    private async Task<string> CreateNodeAsync()
    {
        var id = "lab-" + Guid.NewGuid().ToString("N")[..10];
        var nodes = new NodeService.Client(hub.Host.Channel);
        return (await nodes.CreateNodeAsync(new CreateNodeRequest { NodeId = id, SiteId = hub.SiteId }, hub.Admin).ResponseAsync.WithTimeout()).Node.Id;
    }

    private async Task<BookableResource> CreateResourceAsync(string node, bool approval)
    {
        var resource = new BookableResource { SiteId = hub.SiteId, Name = "lab-" + Guid.NewGuid().ToString("N")[..8], Kind = ResourceKind.LabInstallation, NodeId = node };
        resource.ControlPrograms.Add(["/opt/zen/bin/zen", "/opt/zen/*.sh"]);
        resource = await hub.Booking.CreateResourceAsync(new CreateResourceRequest { Resource = resource }, hub.Admin).ResponseAsync.WithTimeout();
        if (approval)
        {
            var rules = await hub.Booking.GetResourceRulesAsync(new GetResourceRulesRequest { ResourceId = resource.Id }, hub.Admin).ResponseAsync.WithTimeout();
            rules.ApprovalRequired = true;
            await hub.Booking.UpdateResourceRulesAsync(new UpdateResourceRulesRequest { Rules = rules }, hub.Admin).ResponseAsync.WithTimeout();
        }

        return resource;
    }

    /// <summary>Saves an edit through <see cref="HubChanges"/>, as every admin write path does.</summary>
    private async Task SaveAsync(Action<HubDbContext> edit)
    {
        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        edit(db);
        await scope.ServiceProvider.GetRequiredService<HubChanges>().SaveAsync(db, new ChangeActor(null, "test"), CancellationToken.None).WithTimeout();
    }

    private async Task EditAsync<T>(Guid id, Action<T> edit)
        where T : class
    {
        await using var scope = hub.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        edit((await db.FindAsync<T>(id).AsTask().WithTimeout())!);
        await scope.ServiceProvider.GetRequiredService<HubChanges>().SaveAsync(db, new ChangeActor(null, "test"), CancellationToken.None).WithTimeout();
    }

    private async Task AssertConsistentAsync()
    {
        await using var scope = hub.Host.CreateScope();
        var report = await scope.ServiceProvider.GetRequiredService<RightsCompiler>()
            .VerifyAsync(scope.ServiceProvider.GetRequiredService<HubDbContext>(), CancellationToken.None).WithTimeout();
        Assert.True(report.Consistent, report.ToString());
    }

    private async Task<long> HeadAsync()
    {
        await using var snapshot = await SiteSnapshot.OpenAsync(DataSource, Site, CancellationToken.None).WithTimeout();
        return snapshot.Position;
    }

    /// <summary>The site snapshot's records other than rights, as an edge bootstrapping would read them.</summary>
    private async Task<Dictionary<(RecordKind, Guid), byte[]>> SnapshotAsync()
    {
        var records = new Dictionary<(RecordKind, Guid), byte[]>();
        await using var snapshot = await SiteSnapshot.OpenAsync(DataSource, Site, CancellationToken.None).WithTimeout();
        await foreach (var record in snapshot.ReadAsync(CancellationToken.None))
        {
            if (record.Kind != RecordKind.Right)
            {
                records[(record.Kind, record.EntityId)] = record.Payload;
            }
        }

        return records;
    }

    private async Task<Dictionary<Guid, byte[]>> StoredAsync(RecordKind kind) =>
        (await SnapshotAsync()).Where(r => r.Key.Item1 == kind).ToDictionary(r => r.Key.Item2, r => r.Value);

    /// <summary>The site feed's entries of <paramref name="kinds"/> after <paramref name="cursor"/>, in order.</summary>
    private async Task<List<Stored.FeedEntry>> ChangesAsync(long cursor, params RecordKind[] kinds)
    {
        var page = await FeedReader.ReadAsync(DataSource, Site, cursor, 10_000, CancellationToken.None).WithTimeout();
        return [.. page.Entries.Where(e => kinds.Contains(e.Kind))];
    }
}
