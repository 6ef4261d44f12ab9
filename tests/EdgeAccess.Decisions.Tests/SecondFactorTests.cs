using NodaTime;
using static EdgeAccess.Decisions.Tests.TestReplica;

namespace EdgeAccess.Decisions.Tests;

public class SecondFactorTests
{
    [Fact]
    public void EnterPin_WithinWindow_Granted()
    {
        var tracker = new SecondFactorTracker();
        var index = Index();

        var tap = tracker.Tap(index, Tap("A1B2C3", MondayTen, PinDoor));
        var at = MondayTen + Duration.FromSeconds(15);
        var pin = tracker.EnterPin(index, PinDoor, Pin, at, Online(at));

        Assert.Equal(DecisionReason.PinRequired, tap.Reason);
        Assert.True(pin.Granted);
        Assert.Equal("card-1", pin.CardId);
        Assert.Equal(0, tracker.PendingCount);
    }

    [Fact]
    public void EnterPin_WrongPinWithinWindow_PinWrong()
    {
        var tracker = new SecondFactorTracker();
        var index = Index();
        tracker.Tap(index, Tap("A1B2C3", MondayTen, PinDoor));

        Assert.Equal(DecisionReason.PinWrong, tracker.EnterPin(index, PinDoor, "1111", MondayTen, Online(MondayTen)).Reason);
    }

    [Fact]
    public void EnterPin_AfterWindow_SecondFactorTimeout()
    {
        var tracker = new SecondFactorTracker(Duration.FromSeconds(10));
        var index = Index();
        tracker.Tap(index, Tap("A1B2C3", MondayTen, PinDoor));
        var late = MondayTen + Duration.FromSeconds(10) + Duration.FromMilliseconds(1);

        var decision = tracker.EnterPin(index, PinDoor, Pin, late, Online(late));

        Assert.Equal(DecisionReason.SecondFactorTimeout, decision.Reason);
        Assert.Equal("card-1", decision.CardId);
    }

    [Fact]
    public void EnterPin_NoPendingTap_SecondFactorTimeout()
    {
        var tracker = new SecondFactorTracker();

        Assert.Equal(DecisionReason.SecondFactorTimeout, tracker.EnterPin(Index(), PinDoor, Pin, MondayTen, Online(MondayTen)).Reason);
    }

    [Fact]
    public void EnterPin_Twice_SecondIsTimeout()
    {
        var tracker = new SecondFactorTracker();
        var index = Index();
        tracker.Tap(index, Tap("A1B2C3", MondayTen, PinDoor));

        Assert.True(tracker.EnterPin(index, PinDoor, Pin, MondayTen, Online(MondayTen)).Granted);
        Assert.Equal(DecisionReason.SecondFactorTimeout, tracker.EnterPin(index, PinDoor, Pin, MondayTen, Online(MondayTen)).Reason);
    }

    [Fact]
    public void EnterPin_OtherDoor_SecondFactorTimeout()
    {
        var tracker = new SecondFactorTracker();
        var index = Index();
        tracker.Tap(index, Tap("A1B2C3", MondayTen, PinDoor));

        Assert.Equal(DecisionReason.SecondFactorTimeout, tracker.EnterPin(index, MainDoor, Pin, MondayTen, Online(MondayTen)).Reason);
        Assert.Equal(1, tracker.PendingCount);
    }

    [Fact]
    public void Tap_NonPinDecisionAtDoor_ClearsPending()
    {
        var tracker = new SecondFactorTracker();
        var index = Index();
        tracker.Tap(index, Tap("A1B2C3", MondayTen, PinDoor));

        tracker.Tap(index, Tap("FFFF", MondayTen, PinDoor));

        Assert.Equal(0, tracker.PendingCount);
    }

    [Fact]
    public void Tap_MoreDoorsThanCapacity_StaysBounded()
    {
        var tracker = new SecondFactorTracker(capacity: 8);
        var builder = Builder();
        for (var i = 0; i < 20; i++)
        {
            builder.Add(new Protos.V1.DoorRecord { Id = $"pin-{i}", RequiresPin = true });
            builder.Add(Right("card-1", $"pin-{i}", Term(Always)));
        }

        var index = builder.Build();
        for (var i = 0; i < 20; i++)
        {
            var at = MondayTen + Duration.FromSeconds(i);
            Assert.Equal(DecisionReason.PinRequired, tracker.Tap(index, Tap("A1B2C3", at, $"pin-{i}")).Reason);
        }

        Assert.Equal(8, tracker.PendingCount);
        Assert.True(tracker.EnterPin(index, "pin-19", Pin, MondayTen + Duration.FromSeconds(20), Online(MondayTen)).Granted);
        Assert.Equal(DecisionReason.SecondFactorTimeout, tracker.EnterPin(index, "pin-0", Pin, MondayTen + Duration.FromSeconds(20), Online(MondayTen)).Reason);
    }

    [Fact]
    public async Task TapAndEnterPin_ManyThreads_EachPinCompletesOnce()
    {
        var tracker = new SecondFactorTracker();
        var builder = Builder();
        for (var i = 0; i < 16; i++)
        {
            builder.Add(new Protos.V1.DoorRecord { Id = $"pin-{i}", RequiresPin = true });
            builder.Add(Right("card-1", $"pin-{i}", Term(Always)));
        }

        var index = builder.Build();
        var granted = 0;
        var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            tracker.Tap(index, Tap("A1B2C3", MondayTen, $"pin-{i}"));
            var first = tracker.EnterPin(index, $"pin-{i}", Pin, MondayTen, Online(MondayTen));
            var second = tracker.EnterPin(index, $"pin-{i}", Pin, MondayTen, Online(MondayTen));
            Interlocked.Add(ref granted, (first.Granted ? 1 : 0) + (second.Granted ? 1 : 0));
        }));

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(16, granted);
    }
}
