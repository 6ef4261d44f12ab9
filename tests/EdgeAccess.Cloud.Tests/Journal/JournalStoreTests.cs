using EdgeAccess.Cloud.Journal;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Cloud.Tests.Journal;

/// <summary><c>JournalStore</c>: idempotent batches, the ack, person resolution, validation.</summary>
public sealed class JournalStoreTests(JournalHub hub) : IClassFixture<JournalHub>
{
    [Fact]
    public async Task Store_SameBatchTwice_StoredOnceAndSameAck()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();
        var batch = Enumerable.Range(1, 5).Select(i => JournalHub.Decision(i, i, Guid.NewGuid(), null, false, DoorDecisionReason.UnknownCard)).ToArray();

        var first = await hub.StoreAsync(node, site, batch);
        var second = await hub.StoreAsync(node, site, batch);
        var all = await hub.ListAllAsync(new ListEventsRequest { NodeId = node });

        Assert.Equal(5, first);
        Assert.Equal(5, second);
        Assert.Equal([5L, 4, 3, 2, 1], all.Select(e => e.Seq));
    }

    [Fact]
    public async Task Store_OverlappingBatch_StoresOnlyNewAndAcksHighest()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();
        await hub.StoreAsync(node, site, JournalHub.Other(1, 1, "door.unlock"), JournalHub.Other(2, 2, "door.unlock"));

        var ack = await hub.StoreAsync(node, site, JournalHub.Other(2, 2, "site.lockdown"), JournalHub.Other(3, 3, "site.lockdown"));
        var all = await hub.ListAllAsync(new ListEventsRequest { NodeId = node });

        Assert.Equal(3, ack);
        Assert.Equal(["site.lockdown", "door.unlock", "door.unlock"], all.Select(e => e.Kind));
    }

    [Fact]
    public async Task StoredThrough_NoEventsThenSome_ZeroThenHighestSeq()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();

        var before = await hub.Store.StoredThroughAsync(node, CancellationToken.None).WithTimeout();
        var emptyAck = await hub.StoreAsync(node, site);
        await hub.StoreAsync(node, site, JournalHub.Other(7, 1, "journal.near_full"), JournalHub.Other(9, 2, "journal.near_full"));
        var after = await hub.Store.StoredThroughAsync(node, CancellationToken.None).WithTimeout();

        Assert.Equal(0, before);
        Assert.Equal(0, emptyAck);
        Assert.Equal(9, after);
    }

    [Fact]
    public async Task Store_DecisionWithKnownCard_ResolvesPersonAndKeepsItAfterCardDeleted()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();
        var door = await hub.NewDoorAsync(site);
        var (person, card) = await hub.NewPersonWithCardAsync();

        await hub.StoreAsync(node, site, JournalHub.Decision(1, 1, door, card, true, DoorDecisionReason.Granted));
        await new CardService.Client(hub.Host.Channel).DeleteCardAsync(new DeleteCardRequest { Id = card.ToString() }, hub.Admin).ResponseAsync.WithTimeout();
        await hub.StoreAsync(node, site, JournalHub.Decision(2, 2, door, card, false, DoorDecisionReason.UnknownCard));
        var events = await hub.ListAllAsync(new ListEventsRequest { NodeId = node });

        var later = events[0];
        var first = events[1];
        Assert.Equal((person.ToString(), card.ToString(), door.ToString(), true, "granted"), (first.PersonId, first.CardId, first.DoorId, first.Granted, first.Reason));
        Assert.Equal(site.ToString(), first.SiteId);
        Assert.Equal("", later.PersonId);
        Assert.Equal((false, "unknown_card"), (later.Granted, later.Reason));
        Assert.Equal("step check, replica position 42, flags rights_stale", later.Details);
        Assert.Equal("step check, replica position 42", first.Details);
    }

    [Fact]
    public async Task Store_UnreadableDecisionOrNonUuidIds_StoredWithNullColumns()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();
        var garbage = new JournalEvent { Seq = 1, OccurTime = Timestamp.FromDateTimeOffset(JournalHub.T0), Kind = "door.decision", Payload = ByteString.CopyFrom(0x0A, 0xFF) };
        var badIds = new JournalEvent
        {
            Seq = 2,
            OccurTime = Timestamp.FromDateTimeOffset(JournalHub.T0.AddSeconds(1)),
            Kind = "door.decision",
            Payload = new DoorDecisionEvent { DoorId = "front door", CardId = "1234", Granted = false, Reason = DoorDecisionReason.UnknownDoor }.ToByteString(),
        };

        var ack = await hub.StoreAsync(node, site, garbage, badIds);
        var events = await hub.ListAllAsync(new ListEventsRequest { NodeId = node });

        Assert.Equal(2, ack);
        Assert.Equal(("", "", false, "unknown_door"), (events[0].DoorId, events[0].CardId, events[0].Granted, events[0].Reason));
        Assert.Equal(("", "", false, ""), (events[1].DoorId, events[1].CardId, events[1].HasGranted, events[1].Reason));
        Assert.Equal("unreadable door.decision payload (2 bytes)", events[1].Details);
    }

    [Fact]
    public async Task Store_UnknownKind_StoredWithPayloadSizeAsDetails()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();

        await hub.StoreAsync(node, site, JournalHub.Other(1, 1, "replica.tampered", 32), JournalHub.Other(2, 2, "lab.process-killed", 0));
        var events = await hub.ListAllAsync(new ListEventsRequest { NodeId = node });

        Assert.Equal(["no payload", "32 bytes of payload"], events.Select(e => e.Details));
        Assert.All(events, e => Assert.False(e.HasGranted));
    }

    public static TheoryData<JournalEvent[], string> BadBatches => new()
    {
        { [JournalHub.Other(0, 1, "door.unlock")], "journal.events[0].seq: must be positive" },
        { [JournalHub.Other(2, 1, "door.unlock"), JournalHub.Other(2, 2, "door.unlock")], "journal.events[1].seq: 2 does not follow 2 (seqs must ascend within a batch)" },
        { [JournalHub.Other(3, 1, "door.unlock"), JournalHub.Other(1, 2, "door.unlock")], "journal.events[1].seq: 1 does not follow 3 (seqs must ascend within a batch)" },
        { [JournalHub.Other(1, 1, "")], "journal.events[0].kind: is required" },
        { [JournalHub.Other(1, 1, new string('k', 65))], "journal.events[0].kind: must be at most 64 characters" },
        { [JournalHub.Other(1, 1, "Door Decision")], "journal.events[0].kind: must consist of lowercase letters, digits, '.', '_' or '-'" },
        { [JournalHub.Other(1, 1, "door.unlock", 64 * 1024 + 1)], "journal.events[0].payload: is 65537 bytes; at most 65536" },
        { [new JournalEvent { Seq = 1, Kind = "door.unlock" }], "journal.events[0].occur_time: is required" },
        { [new JournalEvent { Seq = 1, Kind = "door.unlock", OccurTime = new Timestamp { Seconds = 1, Nanos = -1 } }], "journal.events[0].occur_time: is not a valid timestamp" },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task Store_MalformedBatch_RejectedNamingFieldAndNothingStored(JournalEvent[] events, string message)
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();

        var ex = await Assert.ThrowsAsync<JournalRejectedException>(() => hub.StoreAsync(node, site, events));
        var status = ex.ToRpcException();

        Assert.Equal(message, ex.Message);
        Assert.Equal((StatusCode.InvalidArgument, message), (status.StatusCode, status.Status.Detail));
        Assert.Equal(0, await hub.Store.StoredThroughAsync(node, CancellationToken.None).WithTimeout());
    }

    [Fact]
    public async Task Store_GoodEventsBeforeABadOne_NothingOfTheBatchStored()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();

        await Assert.ThrowsAsync<JournalRejectedException>(() => hub.StoreAsync(node, site, JournalHub.Other(1, 1, "door.unlock"), JournalHub.Other(2, 2, "")));

        Assert.Equal(0, await hub.Store.StoredThroughAsync(node, CancellationToken.None).WithTimeout());
    }

    [Fact]
    public async Task Store_GapBetweenBatches_AcceptedAndAckIsHighestSeq()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();

        await hub.StoreAsync(node, site, JournalHub.Other(1, 1, "door.unlock"));
        var ack = await hub.StoreAsync(node, site, JournalHub.Other(1001, 2, "door.unlock"), JournalHub.Other(1003, 3, "door.unlock"));

        Assert.Equal(1003, ack);
    }

    [Fact]
    public async Task Store_OccurTimeWithNanoseconds_StoredAtMicroseconds()
    {
        var (site, node) = await hub.NewSiteWithNodeAsync();
        var e = JournalHub.Other(1, 0, "door.unlock");
        e.OccurTime = new Timestamp { Seconds = e.OccurTime.Seconds, Nanos = 123_456_789 };

        await hub.StoreAsync(node, site, e);
        var stored = (await hub.ListAllAsync(new ListEventsRequest { NodeId = node })).Single();

        Assert.Equal(123_456_000, stored.OccurTime.Nanos);
        Assert.Equal(Timestamp.FromDateTimeOffset(hub.Clock.GetUtcNow()), stored.ReceiveTime);
    }
}
