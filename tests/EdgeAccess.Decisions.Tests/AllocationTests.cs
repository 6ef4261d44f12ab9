using NodaTime;
using static EdgeAccess.Decisions.Tests.TestReplica;

namespace EdgeAccess.Decisions.Tests;

public class AllocationTests
{
    [Fact]
    public void Decide_TenThousandNonPinDecisions_AllocatesNothing()
    {
        var builder = Builder();
        builder.Add(Right("card-1", MainDoor, Term(Night), Term(Office, MondayTen - Duration.FromDays(30), MondayTen + Duration.FromDays(300))));
        builder.Add(Card("card-2", "BEEF01", Protos.V1.CardStatus.Lost));
        var index = builder.Build();
        var start = Local(2026, 12, 20, 0, 0);
        string[] numbers = ["A1B2C3", "BEEF01", "FFFF"];
        var requests = new DecisionRequest[10_000];
        for (var i = 0; i < requests.Length; i++)
        {
            var at = start + Duration.FromMinutes(i * 7L);
            // Granted, outside schedule, holiday, lost, unknown card, unknown door, PIN required.
            requests[i] = Tap(numbers[i % 3], at, door: (i % 11) switch { 0 => "door-x", 1 => PinDoor, _ => MainDoor });
        }

        var warmUp = new int[32];
        var counts = new int[32];
        Run(index, requests, warmUp);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(index, requests, counts);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(warmUp, counts);
        DecisionReason[] expected =
        [
            DecisionReason.Granted, DecisionReason.OutsideSchedule, DecisionReason.Holiday, DecisionReason.CardLost,
            DecisionReason.UnknownCard, DecisionReason.UnknownDoor, DecisionReason.PinRequired,
        ];
        Assert.All(expected, reason => Assert.True(counts[(int)reason] > 0, reason.ToString()));
    }

    private static void Run(DecisionIndex index, DecisionRequest[] requests, int[] counts)
    {
        foreach (var request in requests)
        {
            counts[(int)DoorDecider.Decide(index, request).Reason]++;
        }
    }
}
