using EdgeAccess.Cloud.Tests.Auth;
using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Journal;

/// <summary>
/// A small journal: two sites, three nodes, two doors, two people with cards, decisions and other
/// kinds, stored once for the class.
/// </summary>
public sealed class JournalWorld : IAsyncLifetime
{
    public JournalHub Hub { get; } = new();

    public Guid SiteA { get; private set; }

    public Guid SiteB { get; private set; }

    public string NodeA1 { get; private set; } = "";

    public string NodeA2 { get; private set; } = "";

    public string NodeB { get; private set; } = "";

    public Guid Door1 { get; private set; }

    public Guid Door2 { get; private set; }

    public (Guid Person, Guid Card) Ada { get; private set; }

    public (Guid Person, Guid Card) Ben { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Hub.InitializeAsync();
        SiteA = await Hub.NewSiteAsync();
        SiteB = await Hub.NewSiteAsync();
        NodeA1 = await Hub.NewNodeAsync(SiteA);
        NodeA2 = await Hub.NewNodeAsync(SiteA);
        NodeB = await Hub.NewNodeAsync(SiteB);
        Door1 = await Hub.NewDoorAsync(SiteA);
        Door2 = await Hub.NewDoorAsync(SiteA);
        Ada = await Hub.NewPersonWithCardAsync();
        Ben = await Hub.NewPersonWithCardAsync();

        // Node A1: 1..4 at seconds 10..40; node A2: 1..3 at 10, 25, 50 (one tie with A1 at 10 s); node B: 1..2.
        await Hub.StoreAsync(NodeA1, SiteA,
            JournalHub.Decision(1, 10, Door1, Ada.Card, true, DoorDecisionReason.Granted),
            JournalHub.Decision(2, 20, Door1, Ben.Card, false, DoorDecisionReason.NoRight),
            JournalHub.Decision(3, 30, Door2, Ada.Card, false, DoorDecisionReason.PinWrong, "pin"),
            JournalHub.Other(4, 40, "replica.tampered", 32));
        await Hub.StoreAsync(NodeA2, SiteA,
            JournalHub.Decision(1, 10, Door2, Ben.Card, true, DoorDecisionReason.Granted),
            JournalHub.Decision(2, 25, Door2, null, false, DoorDecisionReason.UnknownCard),
            JournalHub.Other(3, 50, "door.unlock"));
        await Hub.StoreAsync(NodeB, SiteB,
            JournalHub.Decision(1, 15, Guid.NewGuid(), Ada.Card, false, DoorDecisionReason.NoRight),
            JournalHub.Other(2, 60, "site.lockdown"));
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Hub.DisposeAsync();
}

/// <summary><c>edgeaccess.v1.JournalService.ListEvents</c>: each filter, keyset paging, validation, roles.</summary>
public sealed class JournalQueryTests(JournalWorld world) : IClassFixture<JournalWorld>
{
    private JournalHub Hub => world.Hub;

    private static Timestamp At(double seconds) => Timestamp.FromDateTimeOffset(JournalHub.T0.AddSeconds(seconds));

    private async Task<List<string>> ListAsync(ListEventsRequest request)
    {
        var events = await Hub.ListAllAsync(request);
        return events.Select(e => Name(e.NodeId) + ":" + e.Seq).ToList();
    }

    private string Name(string nodeId) => nodeId == world.NodeA1 ? "a1" : nodeId == world.NodeA2 ? "a2" : nodeId == world.NodeB ? "b" : nodeId;

    [Fact]
    public async Task ListEvents_NoFilter_EverythingNewestFirstTiesByNodeThenSeq()
    {
        var all = await ListAsync(new ListEventsRequest());

        // At 10 s both A nodes have seq 1: node id descending breaks the tie.
        var tie = string.CompareOrdinal(world.NodeA1, world.NodeA2) > 0 ? new[] { "a1:1", "a2:1" } : ["a2:1", "a1:1"];
        Assert.Equal(["b:2", "a2:3", "a1:4", "a1:3", "a2:2", "a1:2", "b:1", .. tie], all);
    }

    [Fact]
    public async Task ListEvents_BySite_OnlyThatSite()
    {
        Assert.Equal(["b:2", "b:1"], await ListAsync(new ListEventsRequest { SiteId = world.SiteB.ToString() }));
        Assert.Equal(7, (await ListAsync(new ListEventsRequest { SiteId = world.SiteA.ToString() })).Count);
    }

    [Fact]
    public async Task ListEvents_ByNode_OnlyThatNode() =>
        Assert.Equal(["a2:3", "a2:2", "a2:1"], await ListAsync(new ListEventsRequest { NodeId = world.NodeA2 }));

    [Fact]
    public async Task ListEvents_ByDoor_OnlyDecisionsAtIt() =>
        Assert.Equal(["a1:3", "a2:2", "a2:1"], await ListAsync(new ListEventsRequest { DoorId = world.Door2.ToString() }));

    [Fact]
    public async Task ListEvents_ByPersonAndByCard_TheirTaps()
    {
        Assert.Equal(["a1:3", "b:1", "a1:1"], await ListAsync(new ListEventsRequest { PersonId = world.Ada.Person.ToString() }));
        Assert.Equal(["a1:2", "a2:1"], await ListAsync(new ListEventsRequest { CardId = world.Ben.Card.ToString() }));
    }

    [Fact]
    public async Task ListEvents_ByResult_GrantedOrDeniedDecisionsOnly()
    {
        var granted = await ListAsync(new ListEventsRequest { Result = EventResult.Granted });
        var denied = await ListAsync(new ListEventsRequest { Result = EventResult.Denied, SiteId = world.SiteA.ToString() });

        Assert.Equal(["a1:1", "a2:1"], granted.Order(StringComparer.Ordinal));
        Assert.Equal(["a1:3", "a2:2", "a1:2"], denied);
    }

    [Fact]
    public async Task ListEvents_ByKind_ExactKind()
    {
        Assert.Equal(["a1:4"], await ListAsync(new ListEventsRequest { Kind = "replica.tampered" }));
        Assert.Equal(5, (await ListAsync(new ListEventsRequest { Kind = "door.decision", SiteId = world.SiteA.ToString() })).Count);
    }

    [Fact]
    public async Task ListEvents_TimeRange_FromInclusiveToExclusive() =>
        Assert.Equal(["a1:3", "a2:2", "a1:2"], await ListAsync(new ListEventsRequest { OccurTimeFrom = At(20), OccurTimeTo = At(40) }));

    [Fact]
    public async Task ListEvents_FiltersCombined_AllMustHold() =>
        Assert.Equal(["a1:2"], await ListAsync(new ListEventsRequest { SiteId = world.SiteA.ToString(), Result = EventResult.Denied, Kind = "door.decision", OccurTimeTo = At(25), PersonId = world.Ben.Person.ToString() }));

    [Fact]
    public async Task ListEvents_FullDecision_EveryFieldMapped()
    {
        var e = (await Hub.ListAllAsync(new ListEventsRequest { NodeId = world.NodeA1, OccurTimeFrom = At(30), OccurTimeTo = At(31) })).Single();

        Assert.Equal(
            (world.NodeA1, 3L, world.SiteA.ToString(), "door.decision", At(30), world.Door2.ToString(), world.Ada.Card.ToString(), world.Ada.Person.ToString(), false, "pin_wrong", "step pin, replica position 42"),
            (e.NodeId, e.Seq, e.SiteId, e.Kind, e.OccurTime, e.DoorId, e.CardId, e.PersonId, e.Granted, e.Reason, e.Details));
        Assert.NotNull(e.ReceiveTime);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task ListEvents_PagedSmall_SameEventsAsOnePageWithoutGapsOrDuplicates(int pageSize)
    {
        var whole = await Hub.Journal.ListEventsAsync(new ListEventsRequest { PageSize = 1000 }, Hub.Admin).ResponseAsync.WithTimeout();
        var pages = 0;
        var paged = new List<EdgeEvent>();
        var request = new ListEventsRequest { PageSize = pageSize };
        do
        {
            var page = await Hub.Journal.ListEventsAsync(request, Hub.Admin).ResponseAsync.WithTimeout();
            Assert.True(page.Events.Count <= pageSize);
            paged.AddRange(page.Events);
            request.PageToken = page.NextPageToken;
            pages++;
        }
        while (request.PageToken.Length > 0 && pages < 100);

        Assert.Empty(whole.NextPageToken);
        Assert.Equal(whole.Events, paged);
        Assert.Equal(9, paged.Count);
        Assert.True(pages >= 9 / pageSize);
    }

    public static TheoryData<ListEventsRequest, string> BadRequests => new()
    {
        { new ListEventsRequest { SiteId = "nope" }, "site_id: must be a UUID" },
        { new ListEventsRequest { DoorId = "1" }, "door_id: must be a UUID" },
        { new ListEventsRequest { PersonId = "x" }, "person_id: must be a UUID" },
        { new ListEventsRequest { CardId = "y" }, "card_id: must be a UUID" },
        { new ListEventsRequest { NodeId = "Bad_Node" }, "node_id: must be 3 to 63 lowercase letters, digits or '-'" },
        { new ListEventsRequest { Kind = new string('k', 65) }, "kind: must be at most 64 characters" },
        { new ListEventsRequest { OccurTimeFrom = At(10), OccurTimeTo = At(9) }, "occur_time_to: must not be before occur_time_from" },
        { new ListEventsRequest { OccurTimeFrom = new Timestamp { Seconds = 0, Nanos = -5 } }, "occur_time_from: is not a valid timestamp" },
        { new ListEventsRequest { PageSize = 1001 }, "page_size: must be between 0 and 1000" },
        { new ListEventsRequest { PageSize = -1 }, "page_size: must be between 0 and 1000" },
        { new ListEventsRequest { PageToken = "!!!" }, "page_token: is malformed" },
        { new ListEventsRequest { PageToken = "AAAA" }, "page_token: does not belong to this query (the filters changed?)" },
        { new ListEventsRequest { Result = (EventResult)7 }, "result: is not a known result" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task ListEvents_BadRequest_InvalidArgumentNamingField(ListEventsRequest request, string detail)
    {
        var error = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () => Hub.Journal.ListEventsAsync(request, Hub.Admin).ResponseAsync);

        Assert.Equal(detail, error.Status.Detail);
    }

    [Fact]
    public async Task ListEvents_TokenOfOtherFilters_InvalidArgument()
    {
        var page = await Hub.Journal.ListEventsAsync(new ListEventsRequest { PageSize = 1 }, Hub.Admin).ResponseAsync.WithTimeout();

        var error = await AuthAssert.FailsWith(StatusCode.InvalidArgument, () =>
            Hub.Journal.ListEventsAsync(new ListEventsRequest { PageSize = 1, SiteId = world.SiteA.ToString(), PageToken = page.NextPageToken }, Hub.Admin).ResponseAsync);

        Assert.Equal("page_token: does not belong to this query (the filters changed?)", error.Status.Detail);
    }

    [Theory]
    [InlineData(UserRole.Admin, true)]
    [InlineData(UserRole.Operator, true)]
    [InlineData(UserRole.Auditor, true)]
    [InlineData(UserRole.Member, false)]
    public async Task ListEvents_Role_ReadersOnly(UserRole role, bool allowed)
    {
        var caller = await Hub.SignInAsync(role);
        var call = () => Hub.Journal.ListEventsAsync(new ListEventsRequest { NodeId = world.NodeB }, caller).ResponseAsync;

        if (allowed)
        {
            Assert.Equal(2, (await call().WithTimeout()).Events.Count);
        }
        else
        {
            await AuthAssert.FailsWith(StatusCode.PermissionDenied, call);
        }
    }
}
