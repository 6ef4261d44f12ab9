using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Interop.Testing;

namespace EdgeAccess.Grpc.Tests.Server;

/// <summary>The four method shapes end to end: our client, real sockets, Kestrel, TestServiceImpl.</summary>
public sealed class StreamingTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>, IDisposable
{
    private readonly GrpcChannel _channel = fixture.Server.CreateChannel();

    private TestService.Client Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task UnaryCall_Request_ReturnsPayloadOfRequestedSize()
    {
        var response = await Client.UnaryCallAsync(new SimpleRequest { ResponseSize = 314159 }).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(314159, response.Payload.Body.Length);
    }

    [Fact]
    public async Task StreamingOutputCall_FourSizes_StreamsFourResponsesThenOk()
    {
        int[] sizes = [31415, 9, 2653, 58979];
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.AddRange(sizes.Select(s => new ResponseParameters { Size = s }));
        using var call = Client.StreamingOutputCall(request);

        var received = await call.ResponseStream.ReadAllAsync().Select(r => r.Payload.Body.Length).ToListAsync().AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal(sizes, received);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task StreamingInputCall_FourRequests_ReturnsAggregatedSize()
    {
        using var call = Client.StreamingInputCall();
        foreach (var size in new[] { 27182, 8, 1828, 45904 })
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[size]) } }).WaitAsync(TestTimeouts.Call);
        }

        await call.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Call);
        var response = await call.ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(74922, response.AggregatedPayloadSize);
    }

    [Fact]
    public async Task FullDuplexCall_PingPong_EachRequestAnsweredBeforeTheNext()
    {
        using var call = Client.FullDuplexCall();
        foreach (var size in new[] { 31415, 9, 2653 })
        {
            var request = new StreamingOutputCallRequest();
            request.ResponseParameters.Add(new ResponseParameters { Size = size });
            await call.RequestStream.WriteAsync(request).WaitAsync(TestTimeouts.Call);

            Assert.True(await call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Call));
            Assert.Equal(size, call.ResponseStream.Current.Payload.Body.Length);
        }

        await call.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Call);
        Assert.False(await call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }
}
