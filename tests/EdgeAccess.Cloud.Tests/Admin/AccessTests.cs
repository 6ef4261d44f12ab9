using EdgeAccess.Cloud.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Admin;

/// <summary><c>edgeaccess.v1.AccessQueryService</c> over real gRPC: explain access and who can open.</summary>
public sealed partial class AccessTests(AccessQueryFixture hub) : IClassFixture<AccessQueryFixture>
{
    private readonly AccessQueryFixture _hub = hub;

    [Fact]
    public async Task ExplainAccess_ByCardNumberAsAdmin_GrantedWithTheNestedChain()
    {
        var world = await NewWorldAsync();

        var response = await _hub.Client.ExplainAccessAsync(
            new ExplainAccessRequest { CardNumber = world.Number, DoorId = world.Door.Id.ToString(), At = Ts(MondayNoon) }, _hub.As[UserRole.Admin]).WithTimeout();

        Assert.True(response.Granted);
        Assert.Equal(AccessReason.Granted, response.Reason);
        Assert.False(response.PinRequired);
        Assert.Equal(world.Cards[0].Id.ToString(), response.Card.Id);
        Assert.Equal("2026-03-30T12:00:00+02:00 Europe/Berlin (Monday)", response.LocalTime);
        Assert.Equal("Europe/Berlin", response.Door.TimeZone);
        var path = Assert.Single(response.Paths);
        Assert.Equal(AccessPathStatus.Admits, path.Status);
        Assert.Equal([world.Lab.Name, world.Staff.Name], path.Groups.Select(g => g.Name));
        Assert.Equal("technician", path.RoleTitle);
        Assert.Equal(ScheduleEvaluationReason.InSchedule, path.Schedule.Reason);
        Assert.Equal((480, 1080), (path.Schedule.StartMinute, path.Schedule.EndMinute));
        Assert.DoesNotContain(world.Number.Replace(" ", "", StringComparison.Ordinal), response.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ExplainAccess_AtNightAndOnThePinDoor_OutsideScheduleAndPinRequired()
    {
        var world = await NewWorldAsync();
        var card = world.Cards[0].Id.ToString();

        var night = await _hub.Client.ExplainAccessAsync(new ExplainAccessRequest { CardId = card, DoorId = world.Door.Id.ToString(), At = Ts(MondayNight) }, _hub.As[UserRole.Operator]).WithTimeout();
        var vault = await _hub.Client.ExplainAccessAsync(new ExplainAccessRequest { CardId = card, DoorId = world.PinDoor.Id.ToString(), At = Ts(MondayNoon) }, _hub.As[UserRole.Auditor]).WithTimeout();

        Assert.Equal(AccessReason.OutsideSchedule, night.Reason);
        Assert.Equal(AccessPathStatus.OutsideSchedule, Assert.Single(night.Paths).Status);
        Assert.Contains("23:30:00+02:00", night.Summary, StringComparison.Ordinal);
        Assert.Equal(AccessReason.Granted, vault.Reason);
        Assert.True(vault.PinRequired);
    }

    [Fact]
    public async Task ExplainAccess_UnknownCardNumber_UnknownCardWithoutEchoingTheNumber()
    {
        var world = await NewWorldAsync();
        const string Number = "DEAD BEEF 4242";

        var response = await _hub.Client.ExplainAccessAsync(
            new ExplainAccessRequest { CardNumber = Number, DoorId = world.Door.Id.ToString() }, _hub.As[UserRole.Admin]).WithTimeout();

        Assert.False(response.Granted);
        Assert.Equal(AccessReason.UnknownCard, response.Reason);
        Assert.Null(response.Card);
        Assert.Empty(response.Paths);
        Assert.DoesNotContain("BEEF", response.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ExplainAccess_WithoutAt_EvaluatesTheHubClock()
    {
        var world = await NewWorldAsync();

        var response = await _hub.Client.ExplainAccessAsync(
            new ExplainAccessRequest { CardId = world.Cards[0].Id.ToString(), DoorId = world.Door.Id.ToString() }, _hub.As[UserRole.Admin]).WithTimeout();

        Assert.Equal(_hub.Clock.GetUtcNow(), response.At.ToDateTimeOffset());
    }

    [Fact]
    public async Task ExplainAccess_UnknownDoor_NotFound()
    {
        var world = await NewWorldAsync();

        await _hub.Client.ExplainAccessAsync(new ExplainAccessRequest { CardId = world.Cards[0].Id.ToString(), DoorId = Guid.CreateVersion7().ToString() }, _hub.As[UserRole.Admin])
            .FailsWith(StatusCode.NotFound, "door");
    }

    [Theory]
    [InlineData("", "card-id", "door_id")]
    [InlineData("door", "not-a-uuid", "card_id")]
    [InlineData("door", "", "card_id")]
    [InlineData("door", "number:XYZ-SECRET-12", "card_number")]
    [InlineData("door", "at:-1", "at")]
    public async Task ExplainAccess_BadInput_InvalidArgumentNamingTheField(string door, string card, string field)
    {
        var world = await NewWorldAsync();
        var request = new ExplainAccessRequest { DoorId = door == "door" ? world.Door.Id.ToString() : "" };
        if (card.StartsWith("number:", StringComparison.Ordinal))
        {
            request.CardNumber = card["number:".Length..];
        }
        else if (card == "at:-1")
        {
            request.CardId = world.Cards[0].Id.ToString();
            request.At = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 0, Nanos = -1 };
        }
        else if (card.Length > 0)
        {
            request.CardId = card == "card-id" ? world.Cards[0].Id.ToString() : card;
        }

        var error = await _hub.Client.ExplainAccessAsync(request, _hub.As[UserRole.Admin]).FailsWith(StatusCode.InvalidArgument, field + ":");

        Assert.DoesNotContain("SECRET", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UserRole.Member, StatusCode.PermissionDenied)]
    [InlineData(null, StatusCode.Unauthenticated)]
    public async Task AccessQueries_WithoutAnAllowedRole_Refused(UserRole? role, StatusCode expected)
    {
        var world = await NewWorldAsync();
        var options = role is { } r ? _hub.As[r] : default;

        await _hub.Client.ExplainAccessAsync(new ExplainAccessRequest { CardId = world.Cards[0].Id.ToString(), DoorId = world.Door.Id.ToString() }, options).FailsWith(expected);
        await _hub.Client.WhoCanOpenAsync(new WhoCanOpenRequest { DoorId = world.Door.Id.ToString() }, options).FailsWith(expected);
    }
}
