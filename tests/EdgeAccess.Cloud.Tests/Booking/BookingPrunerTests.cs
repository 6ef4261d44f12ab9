using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Booking;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Compiler;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using RecordKind = EdgeAccess.Cloud.Data.Entities.RecordKind;

namespace EdgeAccess.Cloud.Tests.Booking;

/// <summary>
/// The hub's booking pruner (issue 5): an active booking whose access window [start − early entry,
/// end + grace] ended more than the retention (1 hour) ago loses its right terms and its
/// BookingRecord — not a minute before — and pruning again changes nothing. One hub instance
/// prunes at a time, in batches.
/// </summary>
public sealed class BookingPrunerTests(BookingHub hub) : IClassFixture<BookingHub>
{
    private const int EarlyEntry = 15;
    private const int Grace = 10;

    // BookingPruner's advisory lock key ("EABookPr").
    private const long LockKey = 0x4541_426F_6F6B_5072;

    private NpgsqlDataSource DataSource => hub.Host.App.Services.GetRequiredService<NpgsqlDataSource>();

    private BookingPruner Pruner => hub.Host.App.Services.GetRequiredService<BookingPruner>();

    [Fact]
    public async Task PruneAsync_BookingEndedLongerThanTheRetention_TermsAndRecordRemovedOnlyAfterIt()
    {
        var (door, resource) = await SetUpAsync();
        var (person, card) = await PersonWithCardAsync();
        var start = hub.QuarterFromNow(1);
        var booking = await hub.BookAsync(resource, start, 30, person);
        var windowEnd = start.AddMinutes(30 + Grace);
        long measured = 0;
        using var listener = Listen(value => Interlocked.Add(ref measured, value));

        hub.Clock.Advance(windowEnd.AddHours(1).AddMinutes(-1) - hub.Clock.GetUtcNow());
        Assert.Equal(0, await Pruner.PruneAsync(CancellationToken.None).WithTimeout());
        Assert.True(await HasRightAsync(card, door));
        Assert.Contains(Guid.Parse(booking.Id), await BookingRecordsAsync());
        var cursor = await HeadAsync();

        hub.Clock.Advance(TimeSpan.FromMinutes(2));
        var pruned = await Pruner.PruneAsync(CancellationToken.None).WithTimeout();

        Assert.InRange(pruned!.Value, 1, int.MaxValue);
        Assert.False(await HasRightAsync(card, door));
        Assert.DoesNotContain(Guid.Parse(booking.Id), await BookingRecordsAsync());
        var page = await FeedReader.ReadAsync(DataSource, Guid.Parse(hub.SiteId), cursor, 10_000, CancellationToken.None).WithTimeout();
        Assert.Contains(page.Entries, e => e.Kind == RecordKind.Right && e.EntityId == Guid.Parse(card) && e.DoorId == Guid.Parse(door) && e.Deleted);
        Assert.Contains(page.Entries, e => e.Kind == RecordKind.Booking && e.EntityId == Guid.Parse(booking.Id) && e.Deleted);
        Assert.True(Interlocked.Read(ref measured) >= pruned.Value, $"edgeaccess.booking.pruned counted {measured}, pruned {pruned}");
        Assert.True(await ConsistentAsync());

        // Idempotent: the same instance again, and a fresh one (a restarted hub looks back 7 days).
        Assert.Equal(0, await Pruner.PruneAsync(CancellationToken.None).WithTimeout());
        Assert.Equal(0, await NewPruner(new BookingPruneOptions()).PruneAsync(CancellationToken.None).WithTimeout());
    }

    [Fact]
    public async Task PruneAsync_MoreEndedBookingsThanOneBatch_AllPrunedInBatches()
    {
        var (_, resource) = await SetUpAsync();
        var start = hub.QuarterFromNow(1);
        var bookings = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            bookings.Add(Guid.Parse((await hub.BookAsync(resource, start.AddMinutes(15 * i), 15, await hub.CreatePersonAsync())).Id));
        }

        Assert.Equal(5, bookings.Intersect(await BookingRecordsAsync()).Count());
        hub.Clock.Advance(start.AddMinutes(75 + Grace).AddHours(1).AddMinutes(1) - hub.Clock.GetUtcNow());

        var pruned = await NewPruner(new BookingPruneOptions { BatchSize = 2 }).PruneAsync(CancellationToken.None).WithTimeout();

        Assert.InRange(pruned!.Value, 5, int.MaxValue);
        Assert.Empty(bookings.Intersect(await BookingRecordsAsync()));
        Assert.True(await ConsistentAsync());
    }

    [Fact]
    public async Task PruneAsync_AnotherHubHoldsTheLock_SkipsUntilItIsReleased()
    {
        await using var other = await DataSource.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", other))
        {
            await take.ExecuteNonQueryAsync().WithTimeout();
        }

        Assert.Null(await Pruner.PruneAsync(CancellationToken.None).WithTimeout());

        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", other))
        {
            await release.ExecuteNonQueryAsync().WithTimeout();
        }

        Assert.NotNull(await Pruner.PruneAsync(CancellationToken.None).WithTimeout());
    }

    private BookingPruner NewPruner(BookingPruneOptions options) =>
        ActivatorUtilities.CreateInstance<BookingPruner>(hub.Host.App.Services, Options.Create(options));

    /// <summary>A door on the shared UTC site and a resource run by a new node opening it.</summary>
    private async Task<(string Door, string Resource)> SetUpAsync()
    {
        var door = await new SiteService.Client(hub.Host.Channel).CreateDoorAsync(new CreateDoorRequest
        {
            Door = new Door { SiteId = hub.SiteId, Name = "door-" + Guid.NewGuid().ToString("N")[..8] },
        }, hub.Admin).ResponseAsync.WithTimeout();
        var node = await new NodeService.Client(hub.Host.Channel).CreateNodeAsync(
            new CreateNodeRequest { NodeId = "lab-" + Guid.NewGuid().ToString("N")[..10], SiteId = hub.SiteId }, hub.Admin).ResponseAsync.WithTimeout();
        var resource = new BookableResource { SiteId = hub.SiteId, Name = "res-" + Guid.NewGuid().ToString("N")[..8], Kind = ResourceKind.LabInstallation, NodeId = node.Node.Id };
        resource.DoorIds.Add(door.Id);
        resource = await hub.Booking.CreateResourceAsync(new CreateResourceRequest { Resource = resource }, hub.Admin).ResponseAsync.WithTimeout();
        var rules = await hub.Booking.GetResourceRulesAsync(new GetResourceRulesRequest { ResourceId = resource.Id }, hub.Admin).ResponseAsync.WithTimeout();
        (rules.EarlyEntryMinutes, rules.GraceMinutes) = (EarlyEntry, Grace);
        await hub.Booking.UpdateResourceRulesAsync(new UpdateResourceRulesRequest { Rules = rules }, hub.Admin).ResponseAsync.WithTimeout();
        return (door.Id, resource.Id);
    }

    private async Task<(string Person, string Card)> PersonWithCardAsync()
    {
        var person = await hub.CreatePersonAsync();
        var card = await new CardService.Client(hub.Host.Channel).CreateCardAsync(new CreateCardRequest
        {
            Card = new Card { PersonId = person, Number = Convert.ToHexString(Guid.NewGuid().ToByteArray())[..12], Status = CardStatus.Active },
        }, hub.Admin).ResponseAsync.WithTimeout();
        return (person, card.Id);
    }

    private static MeterListener Listen(Action<long> measured)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "EdgeAccess.Cloud" && instrument.Name == "edgeaccess.booking.pruned")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => measured(value));
        listener.Start();
        return listener;
    }

    private async Task<bool> HasRightAsync(string card, string door)
    {
        await using var command = DataSource.CreateCommand("SELECT count(*) FROM effective_rights WHERE card_id = $1 AND door_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.Parse(card) });
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.Parse(door) });
        return (long)(await command.ExecuteScalarAsync().WithTimeout())! > 0;
    }

    private async Task<HashSet<Guid>> BookingRecordsAsync()
    {
        var ids = new HashSet<Guid>();
        await using var command = DataSource.CreateCommand($"SELECT entity_id FROM replica_records WHERE kind = {(short)RecordKind.Booking}");
        await using var reader = await command.ExecuteReaderAsync().WithTimeout();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private async Task<long> HeadAsync()
    {
        await using var snapshot = await SiteSnapshot.OpenAsync(DataSource, Guid.Parse(hub.SiteId), CancellationToken.None).WithTimeout();
        return snapshot.Position;
    }

    private async Task<bool> ConsistentAsync()
    {
        await using var scope = hub.Host.CreateScope();
        var report = await scope.ServiceProvider.GetRequiredService<RightsCompiler>()
            .VerifyAsync(scope.ServiceProvider.GetRequiredService<HubDbContext>(), CancellationToken.None).WithTimeout();
        return report.Consistent;
    }
}
