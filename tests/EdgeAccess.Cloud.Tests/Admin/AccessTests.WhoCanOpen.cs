using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Tests.Admin;

public sealed partial class AccessTests
{
    [Fact]
    public async Task WhoCanOpen_AtNoonPaged_EveryMemberOnceInCardOrder()
    {
        var world = await NewWorldAsync(members: 3);
        var request = new WhoCanOpenRequest { DoorId = world.Door.Id.ToString(), At = Ts(MondayNoon), PageSize = 2 };

        var first = await _hub.Client.WhoCanOpenAsync(request, _hub.As[UserRole.Admin]).WithTimeout();
        request.PageToken = first.NextPageToken;
        var second = await _hub.Client.WhoCanOpenAsync(request, _hub.As[UserRole.Auditor]).WithTimeout();

        Assert.Equal(2, first.Entries.Count);
        Assert.NotEmpty(first.NextPageToken);
        Assert.Single(second.Entries);
        Assert.Empty(second.NextPageToken);
        Assert.Equal(world.Cards.Select(c => c.Id.ToString()).Order(), first.Entries.Concat(second.Entries).Select(e => e.CardId));
        var entry = first.Entries[0];
        Assert.Equal("office hours", Assert.Single(entry.Terms).ScheduleName);
        Assert.StartsWith("Member ", entry.PersonDisplayName, StringComparison.Ordinal);
        Assert.Equal("2026-03-30T12:00:00+02:00 Europe/Berlin (Monday)", first.LocalTime);
    }

    [Fact]
    public async Task WhoCanOpen_AtNight_Nobody()
    {
        var world = await NewWorldAsync(members: 2);

        var response = await _hub.Client.WhoCanOpenAsync(new WhoCanOpenRequest { DoorId = world.Door.Id.ToString(), At = Ts(MondayNight) }, _hub.As[UserRole.Operator]).WithTimeout();

        Assert.Empty(response.Entries);
        Assert.Empty(response.NextPageToken);
    }

    [Fact]
    public async Task WhoCanOpen_PinDoor_OnlyWithIncludePinRequired()
    {
        var world = await NewWorldAsync();
        var request = new WhoCanOpenRequest { DoorId = world.PinDoor.Id.ToString(), At = Ts(MondayNoon) };

        var without = await _hub.Client.WhoCanOpenAsync(request, _hub.As[UserRole.Admin]).WithTimeout();
        request.IncludePinRequired = true;
        var with = await _hub.Client.WhoCanOpenAsync(request, _hub.As[UserRole.Admin]).WithTimeout();

        Assert.Empty(without.Entries);
        Assert.True(Assert.Single(with.Entries).PinRequired);
    }

    [Fact]
    public async Task WhoCanOpen_BadInput_InvalidArgumentOrNotFound()
    {
        var world = await NewWorldAsync(members: 3);
        var request = new WhoCanOpenRequest { DoorId = world.Door.Id.ToString(), At = Ts(MondayNoon), PageSize = 1 };
        var token = (await _hub.Client.WhoCanOpenAsync(request, _hub.As[UserRole.Admin]).WithTimeout()).NextPageToken;

        await _hub.Client.WhoCanOpenAsync(new WhoCanOpenRequest { DoorId = "nope" }, _hub.As[UserRole.Admin]).FailsWith(StatusCode.InvalidArgument, "door_id:");
        await _hub.Client.WhoCanOpenAsync(new WhoCanOpenRequest { DoorId = world.Door.Id.ToString(), PageSize = 501 }, _hub.As[UserRole.Admin]).FailsWith(StatusCode.InvalidArgument, "page_size:");
        await _hub.Client.WhoCanOpenAsync(new WhoCanOpenRequest { DoorId = world.Door.Id.ToString(), At = Ts(MondayNight), PageToken = token }, _hub.As[UserRole.Admin])
            .FailsWith(StatusCode.InvalidArgument, "page_token:");
        await _hub.Client.WhoCanOpenAsync(new WhoCanOpenRequest { DoorId = Guid.CreateVersion7().ToString() }, _hub.As[UserRole.Admin]).FailsWith(StatusCode.NotFound);
    }
}
