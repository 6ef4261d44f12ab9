using EdgeAccess.Edge.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.Tests;

/// <summary>Card taps over real gRPC against the real edge node, offline (the hub port is closed).</summary>
public sealed class AccessPointTests(EdgeNodeHost node) : IClassFixture<EdgeNodeHost>
{
    [Fact]
    public async Task Check_CardInOfficeHours_Granted()
    {
        node.Clock.Set(TestSite.InOfficeHours);

        // As a reader may send it: lowercase, with dashes and spaces.
        var response = await node.Client.CheckAsync(Tap(TestSite.MainDoor, "04a1-b2c3 d4e5f6")).ResponseAsync.WithTimeout();

        Assert.True(response.Granted);
        Assert.Equal(DoorDecisionReason.Granted, response.Reason);
        Assert.Equal(TestSite.Position, response.ReplicaPosition);
        Assert.False(response.Flags.RightsStale);
        Assert.True(response.JournalSeq > 0);
        Assert.Equal(TestSite.InOfficeHours, response.DecidedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task Check_CardAfterHours_OutsideScheduleAndStale()
    {
        node.Clock.Set(TestSite.AfterHours);

        var response = await node.Client.CheckAsync(Tap(TestSite.MainDoor, TestSite.EmployeeNumber)).ResponseAsync.WithTimeout();

        Assert.False(response.Granted);
        Assert.Equal(DoorDecisionReason.OutsideSchedule, response.Reason);
        Assert.True(response.Flags.RightsStale); // 10 h since the last sync, bound 15 min
    }

    [Fact]
    public async Task Check_UnknownCard_UnknownCard()
    {
        node.Clock.Set(TestSite.InOfficeHours);

        var response = await node.Client.CheckAsync(Tap(TestSite.MainDoor, TestSite.UnknownNumber)).ResponseAsync.WithTimeout();

        Assert.False(response.Granted);
        Assert.Equal(DoorDecisionReason.UnknownCard, response.Reason);
    }

    [Fact]
    public async Task Check_UnknownDoor_UnknownDoor()
    {
        node.Clock.Set(TestSite.InOfficeHours);

        var response = await node.Client.CheckAsync(Tap("door-nowhere", TestSite.EmployeeNumber)).ResponseAsync.WithTimeout();

        Assert.Equal(DoorDecisionReason.UnknownDoor, response.Reason);
    }

    [Fact]
    public async Task Check_BlockedCard_CardBlocked()
    {
        node.Clock.Set(TestSite.InOfficeHours);

        var response = await node.Client.CheckAsync(Tap(TestSite.MainDoor, TestSite.BlockedNumber)).ResponseAsync.WithTimeout();

        Assert.False(response.Granted);
        Assert.Equal(DoorDecisionReason.CardBlocked, response.Reason);
    }

    [Fact]
    public async Task CheckThenEnterPin_PinDoor_PinRequiredThenGranted()
    {
        node.Clock.Set(TestSite.InOfficeHours);

        var tap = await node.Client.CheckAsync(Tap(TestSite.ServerRoom, TestSite.EmployeeNumber)).ResponseAsync.WithTimeout();
        node.Clock.Set(TestSite.InOfficeHours.AddSeconds(5));
        var pin = await node.Client.EnterPinAsync(new EnterPinRequest { DoorId = TestSite.ServerRoom, Pin = TestSite.EmployeePin }).ResponseAsync.WithTimeout();

        Assert.Equal(DoorDecisionReason.PinRequired, tap.Reason);
        Assert.False(tap.Granted);
        Assert.Equal(DoorDecisionReason.Granted, pin.Reason);
        Assert.True(pin.Granted);
        Assert.True(pin.JournalSeq > tap.JournalSeq);
    }

    [Fact]
    public async Task CheckThenEnterPin_WrongPin_PinWrong()
    {
        node.Clock.Set(TestSite.InOfficeHours);

        await node.Client.CheckAsync(Tap(TestSite.ServerRoom, TestSite.EmployeeNumber)).ResponseAsync.WithTimeout();
        var pin = await node.Client.EnterPinAsync(new EnterPinRequest { DoorId = TestSite.ServerRoom, Pin = "0000" }).ResponseAsync.WithTimeout();

        Assert.Equal(DoorDecisionReason.PinWrong, pin.Reason);
    }

    [Fact]
    public async Task Check_CardWithPin_GrantedInOneStep()
    {
        node.Clock.Set(TestSite.InOfficeHours);
        var request = Tap(TestSite.ServerRoom, TestSite.EmployeeNumber);
        request.Pin = TestSite.EmployeePin;

        var response = await node.Client.CheckAsync(request).ResponseAsync.WithTimeout();

        Assert.Equal(DoorDecisionReason.Granted, response.Reason);
    }

    [Fact]
    public async Task EnterPin_WithoutTap_SecondFactorTimeout()
    {
        node.Clock.Set(TestSite.InOfficeHours);

        var response = await node.Client.EnterPinAsync(new EnterPinRequest { DoorId = TestSite.MainDoor, Pin = "1234" }).ResponseAsync.WithTimeout();

        Assert.Equal(DoorDecisionReason.SecondFactorTimeout, response.Reason);
    }

    [Theory]
    [InlineData("", "04A1B2C3D4E5F6", "door_id")]
    [InlineData("   ", "04A1B2C3D4E5F6", "door_id")]
    [InlineData("door-main", "", "card_number")]
    [InlineData("door-main", "04A1-XYZ-9988", "card_number")]
    [InlineData("door-main", "12", "card_number")]
    public async Task Check_BadInput_InvalidArgumentNamingFieldNotNumber(string door, string number, string field)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => node.Client.CheckAsync(Tap(door, number)).ResponseAsync.WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(field, ex.Status.Detail, StringComparison.Ordinal);
        if (number.Length > 0)
        {
            Assert.DoesNotContain(number, ex.Status.Detail, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(number, ex.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task EnterPin_EmptyPin_InvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            node.Client.EnterPinAsync(new EnterPinRequest { DoorId = TestSite.ServerRoom }).ResponseAsync.WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("pin", ex.Status.Detail, StringComparison.Ordinal);
    }

    internal static CheckRequest Tap(string door, string number) => new() { DoorId = door, CardNumber = number };
}
