using System.Net;
using System.Net.Sockets;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Interop.Testing;

namespace EdgeAccess.Grpc.Tests.Client;

/// <summary>Our client's view of deadlines, failures and unreachable servers.</summary>
public sealed class ClientCallTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>, IDisposable
{
    private readonly GrpcChannel _channel = fixture.Server.CreateChannel();

    private TestService.Client Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task UnaryCall_DeadlineInThePast_DeadlineExceeded()
    {
        var deadline = TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(-1);

        var failure = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryCallAsync(new SimpleRequest(), deadline: deadline).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.DeadlineExceeded, failure.StatusCode);
    }

    // A far deadline (past the ~49.7-day timer limit, or centuries away) must behave as a long
    // deadline, not break the call.
    [Theory]
    [InlineData(60)]
    [InlineData(365 * 300)]
    public async Task UnaryCall_FarDeadline_Succeeds(int days)
    {
        var deadline = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(days);

        var response = await Client.UnaryCallAsync(new SimpleRequest { ResponseSize = 3 }, deadline: deadline).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(3, response.Payload.Body.Length);
    }

    [Fact]
    public async Task UnaryCall_ServerFails_ExceptionCarriesCodeMessageAndTrailers()
    {
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = (int)StatusCode.NotFound, Message = "no such thing: 100% \u263A" } };
        var headers = new Metadata { { "x-grpc-test-echo-trailing-bin", new byte[] { 1, 2, 3 } } };

        var failure = await Assert.ThrowsAsync<RpcException>(() => Client.UnaryCallAsync(request, headers).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.NotFound, failure.StatusCode);
        Assert.Equal("no such thing: 100% \u263A", failure.Status.Detail);
        Assert.Equal(new byte[] { 1, 2, 3 }, failure.Trailers.GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [Fact]
    public async Task UnaryCall_ClosedPort_Unavailable()
    {
        // A port that was free a moment ago and that nobody listens on now.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

        var failure = await Assert.ThrowsAsync<RpcException>(() => new TestService.Client(channel).UnaryCallAsync(new SimpleRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
    }

    // SocketsHttpHandler can surface a bare SocketException (ENOTCONN from Socket.RemoteEndPoint)
    // when a link drops while a connection is set up: an edge node's sync stream once died of it.
    [Fact]
    public async Task ServerStreamingCall_TransportThrowsSocketException_Unavailable()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1", new GrpcChannelOptions { HttpHandler = new ThrowingHandler() });
        using var call = new TestService.Client(channel).StreamingOutputCall(new StreamingOutputCallRequest());

        var failure = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Contains("SocketException", failure.Status.Detail, StringComparison.Ordinal);
    }

    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new SocketException((int)SocketError.NotConnected);
    }
}
