using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Grpc.Tests.Probes;

namespace EdgeAccess.Grpc.Tests.Server;

/// <summary>Deadlines (PROTOCOL-HTTP2 "grpc-timeout") and client cancellation reach the handler's token.</summary>
public sealed class DeadlineAndCancellationTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    private GrpcTestServer Server => fixture.Server;

    [Fact]
    public async Task WaitForCancellation_GrpcTimeoutHeader_DeadlineExceededAndHandlerTokenFires()
    {
        var key = Guid.NewGuid().ToString();
        using var client = Server.CreateRawClient();
        var request = RawGrpc.Request("/edgeaccess.tests.ProbeService/WaitForCancellation", new ProbeRequest { Key = key });
        // The server alone enforces this deadline: the raw client has none of its own.
        request.Headers.TryAddWithoutValidation("grpc-timeout", "200m");

        var response = await RawGrpc.SendAsync(client, request);

        Assert.Equal((int)StatusCode.DeadlineExceeded, response.GrpcStatus);
        await Server.Probe.For(key).Cancelled.Task.WaitAsync(TestTimeouts.Call);
    }

    [Fact]
    public async Task WaitForCancellation_ClientCancels_HandlerTokenFires()
    {
        var key = Guid.NewGuid().ToString();
        using var channel = Server.CreateChannel();
        using var cts = new CancellationTokenSource();
        using var call = new ProbeService.Client(channel).WaitForCancellationAsync(new ProbeRequest { Key = key }, cancellationToken: cts.Token);
        await Server.Probe.For(key).Started.Task.WaitAsync(TestTimeouts.Call);

        await cts.CancelAsync();

        var failure = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.Cancelled, failure.StatusCode);
        // The client reset the stream (RST_STREAM CANCEL); Kestrel aborts the request, which fires the token.
        await Server.Probe.For(key).Cancelled.Task.WaitAsync(TestTimeouts.Call);
    }

    [Fact]
    public async Task WaitForCancellation_ClientDeadline_DeadlineExceededAndHandlerTokenFires()
    {
        var key = Guid.NewGuid().ToString();
        using var channel = Server.CreateChannel();
        var deadline = TimeProvider.System.GetUtcNow().UtcDateTime.AddMilliseconds(300);
        using var call = new ProbeService.Client(channel).WaitForCancellationAsync(new ProbeRequest { Key = key }, deadline: deadline);

        var failure = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.DeadlineExceeded, failure.StatusCode);
        await Server.Probe.For(key).Cancelled.Task.WaitAsync(TestTimeouts.Call);
    }
}
