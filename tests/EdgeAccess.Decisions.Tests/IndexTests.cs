using EdgeAccess.Protos.V1;
using NodaTime;
using static EdgeAccess.Decisions.Tests.TestReplica;

namespace EdgeAccess.Decisions.Tests;

public class IndexTests
{
    [Fact]
    public void Swap_NewIndex_OldReadersKeepTheirSnapshot()
    {
        var builder = Builder();
        var holder = new DecisionIndexHolder(builder.Build());
        var reader = holder.Current;

        builder.Add(Card("card-1", "A1B2C3", CardStatus.Blocked));
        builder.Position = 43;
        var previous = holder.Swap(builder.Build());

        Assert.Same(reader, previous);
        Assert.True(DoorDecider.Decide(reader, Tap("A1B2C3", MondayTen)).Granted);
        var now = holder.Decide(Tap("A1B2C3", MondayTen));
        Assert.Equal(DecisionReason.CardBlocked, now.Reason);
        Assert.Equal(43, now.ReplicaPosition);
    }

    [Fact]
    public void TrySwapNewer_OlderPosition_Refused()
    {
        var builder = Builder();
        builder.Position = 50;
        var holder = new DecisionIndexHolder(builder.Build());
        builder.Position = 49;

        Assert.False(holder.TrySwapNewer(builder.Build()));
        Assert.Equal(50, holder.Current.Position);
    }

    [Fact]
    public async Task Swap_WhileReadersDecide_EveryDecisionMatchesItsSnapshot()
    {
        var granting = Index();
        var builder = Builder();
        builder.RemoveRight("card-1", MainDoor);
        var denying = builder.Build();
        var holder = new DecisionIndexHolder(granting);
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var mismatches = 0;
            while (!stop.IsCancellationRequested)
            {
                var index = holder.Current;
                var decision = DoorDecider.Decide(index, Tap("A1B2C3", MondayTen));
                mismatches += decision.Granted == ReferenceEquals(index, granting) ? 0 : 1;
            }

            return mismatches;
        })).ToArray();

        for (var i = 0; i < 2000; i++)
        {
            holder.Swap(i % 2 == 0 ? denying : granting);
        }

        await stop.CancelAsync();
        var results = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, m => Assert.Equal(0, m));
    }

    [Fact]
    public void Apply_FeedChanges_AddsAndDeletes()
    {
        var builder = Builder();
        builder.Apply(new FeedChange { Position = 60, Kind = RecordKind.Right, EntityId = "card-1", DoorId = MainDoor, Deleted = true });
        var index = builder.Build();

        Assert.Equal(60, index.Position);
        Assert.Equal(DecisionReason.NoRight, DoorDecider.Decide(index, Tap("A1B2C3", MondayTen)).Reason);

        builder.Apply(new FeedChange { Position = 61, Kind = RecordKind.Right, Right = Right("card-1", MainDoor, Term(Always)) });
        builder.Apply(new FeedChange { Position = 62, Kind = RecordKind.Door, EntityId = PinDoor, Deleted = true });
        builder.Apply(new FeedChange { Position = 63, Kind = RecordKind.Card, Card = Card("card-2", "BEEF01") });
        index = builder.Build();

        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", Local(2026, 3, 29, 3, 0))).Granted);
        Assert.Equal(DecisionReason.UnknownDoor, DoorDecider.Decide(index, Tap("A1B2C3", MondayTen, PinDoor, Pin)).Reason);
        Assert.Equal(DecisionReason.NoRight, DoorDecider.Decide(index, Tap("BEEF01", MondayTen)).Reason);

        builder.Apply(new FeedChange { Position = 64, Kind = RecordKind.Card, EntityId = "card-1", Deleted = true });
        Assert.Equal(DecisionReason.UnknownCard, DoorDecider.Decide(builder.Build(), Tap("A1B2C3", MondayTen)).Reason);
    }

    [Fact]
    public void Build_ScheduleChangedAfterRights_TermsUseNewSchedule()
    {
        var builder = Builder();
        builder.Add(Schedule(Office, [(1, 11 * 60, 12 * 60)]));

        Assert.Equal(DecisionReason.OutsideSchedule, DoorDecider.Decide(builder.Build(), Tap("A1B2C3", MondayTen)).Reason);
    }

    [Fact]
    public void Build_UnreadableSchedule_CountedAndAdmitsNothing()
    {
        var builder = Builder();
        builder.Add(Schedule(Office, [(1, 8 * 60, 2000)]));
        var index = builder.Build();

        Assert.Equal(1, index.Statistics.UnreadableSchedules);
        Assert.Equal(DecisionReason.OutsideSchedule, DoorDecider.Decide(index, Tap("A1B2C3", MondayTen)).Reason);
    }

    [Fact]
    public void Build_CardsWithEqualRights_ShareProfilesAndTermSets()
    {
        var builder = Builder();
        for (var i = 0; i < 100; i++)
        {
            builder.Add(Card($"c{i}", $"{0x1000 + i:X}"));
            builder.Add(Right($"c{i}", MainDoor, Term(Office)));
            builder.Add(Right($"c{i}", PinDoor, Term(Always)));
        }

        var statistics = builder.Build().Statistics;

        Assert.Equal(101, statistics.Cards);
        Assert.Equal(202, statistics.Rights);
        Assert.Equal(1, statistics.Profiles);
        Assert.Equal(2, statistics.StoredRights);
        Assert.Equal(2, statistics.TermSets);
        Assert.Equal(2, statistics.Doors);
    }

    [Fact]
    public void Build_NoSite_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new DecisionIndex.Builder().Build());

    [Fact]
    public void Build_UnknownZone_Throws()
    {
        var builder = Builder();
        builder.Add(new SiteRecord { Id = "s", TimeZone = "Mars/Olympus" });

        Assert.Throws<InvalidOperationException>(builder.Build);
    }

    [Fact]
    public void Build_SiteZone_IsIanaZone() => Assert.Equal(Berlin, Index().Zone);

    [Fact]
    public void Build_CardHashWrongLength_CardUnknown()
    {
        var builder = Builder();
        var card = Card("card-1", "A1B2C3");
        card.NumberHash = Google.Protobuf.ByteString.CopyFrom(new byte[16]);
        builder.Add(card);

        Assert.Equal(DecisionReason.UnknownCard, DoorDecider.Decide(builder.Build(), Tap("A1B2C3", MondayTen)).Reason);
    }

    [Fact]
    public void Add_RightWithoutTerms_RemovesRight()
    {
        var builder = Builder();
        builder.Add(Right("card-1", MainDoor));

        Assert.Equal(DecisionReason.NoRight, DoorDecider.Decide(builder.Build(), Tap("A1B2C3", MondayTen)).Reason);
    }

    [Fact]
    public void Decide_TermValidityEdges_HalfOpen()
    {
        var builder = Builder();
        builder.Add(Right("card-1", MainDoor, Term(Always, MondayTen, MondayTen + Duration.FromHours(1))));
        var index = builder.Build();

        Assert.True(DoorDecider.Decide(index, Tap("A1B2C3", MondayTen)).Granted);
        Assert.Equal(DecisionReason.NotValidAtTime, DoorDecider.Decide(index, Tap("A1B2C3", MondayTen + Duration.FromHours(1))).Reason);
        Assert.Equal(DecisionReason.NotValidAtTime, DoorDecider.Decide(index, Tap("A1B2C3", MondayTen - Duration.FromTicks(1))).Reason);
    }
}
