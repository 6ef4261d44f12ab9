using EdgeAccess.Edge.Tests.Infrastructure;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using AccessPointClient = EdgeAccess.Protos.V1.AccessPoint.Client;

namespace EdgeAccess.Edge.Tests;

/// <summary>The door API on a Unix domain socket, for door controllers on the same machine.</summary>
public sealed class UnixSocketTests : IAsyncLifetime
{
    private readonly EdgeNodeHost _node = new("--EdgeAccess:Endpoints:UnixSocketPath={data}/access-point.sock");

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task Check_over_the_unix_socket_decides_like_over_tcp()
    {
        var path = Path.Combine(_node.DataDirectory, "access-point.sock");
        Assert.True(File.Exists(path), "the socket file is created at start");
        using var channel = GrpcChannel.ForUnixSocket(path);
        var client = new AccessPointClient(channel);

        var granted = await client.CheckAsync(new CheckRequest { DoorId = TestSite.MainDoor, CardNumber = TestSite.EmployeeNumber }).ResponseAsync.WithTimeout();
        var unknown = await client.CheckAsync(new CheckRequest { DoorId = TestSite.MainDoor, CardNumber = TestSite.UnknownNumber }).ResponseAsync.WithTimeout();

        Assert.True(granted.Granted);
        Assert.Equal(DoorDecisionReason.UnknownCard, unknown.Reason);
        Assert.Equal(granted.JournalSeq + 1, unknown.JournalSeq);
    }

    [Fact]
    public void A_unix_socket_channel_refuses_a_custom_handler()
    {
        using var handler = new HttpClientHandler();
        Assert.Throws<ArgumentException>(() => GrpcChannel.ForUnixSocket("/tmp/x.sock", new GrpcChannelOptions { HttpHandler = handler }));
    }
}
