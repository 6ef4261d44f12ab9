using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Grpc.Tests.Probes;

namespace EdgeAccess.Grpc.Tests.Client;

/// <summary>
/// The server allows 100 concurrent streams per connection (GrpcKestrelExtensions.MaxConcurrentStreams);
/// the channel opens further connections (EnableMultipleHttp2Connections) instead of queueing calls.
/// </summary>
public sealed class ConcurrentStreamsTests
{
    private const int Calls = 150;

    [Fact]
    public async Task Hold_150ConcurrentStreams_AllOpenAtOnceAndAllSucceed()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = server.CreateChannel();
        var client = new ProbeService.Client(channel);
        var calls = Enumerable.Range(0, Calls).Select(_ => client.Hold(new ProbeRequest())).ToList();
        try
        {
            // Every call's first message arrives while all handlers are still held.
            await Task.WhenAll(calls.Select(c => c.ResponseStream.MoveNext())).WaitAsync(TestTimeouts.Long);
            Assert.Equal(Calls, server.Probe.MaxActive);

            server.Probe.Release.TrySetResult();
            var ended = await Task.WhenAll(calls.Select(c => c.ResponseStream.MoveNext())).WaitAsync(TestTimeouts.Long);

            Assert.All(ended, Assert.False);
            Assert.All(calls, c => Assert.Equal(StatusCode.OK, c.GetStatus().StatusCode));
        }
        finally
        {
            calls.ForEach(c => c.Dispose());
        }
    }
}
