using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Grpc.Tests.Probes;

namespace EdgeAccess.Grpc.Tests.Server;

/// <summary>
/// A response write completes only when the transport has taken the message, so HTTP/2 flow control
/// (the client's stream window) stops a server from buffering without bound for a client that does
/// not read.
/// </summary>
public sealed class BackpressureTests
{
    private const int MessageCount = 32;
    private const int MessageSize = 1024 * 1024;

    [Fact]
    public async Task Produce_ClientNotReading_WriterBlocksUntilClientReads()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var key = Guid.NewGuid().ToString();
        var signals = server.Probe.For(key);
        using var channel = server.CreateChannel();
        using var call = new ProbeService.Client(channel).Produce(new ProbeRequest { Key = key, Count = MessageCount, Size = MessageSize });
        await call.ResponseHeadersAsync.WaitAsync(TestTimeouts.Call);
        await signals.Started.Task.WaitAsync(TestTimeouts.Call);

        // Proving a negative needs an observation window: for two seconds nobody reads, and the
        // writer must stay stuck with at most a few MiB taken by the transport.
        var first = await Task.WhenAny(signals.AllWritten.Task, Task.Delay(TimeSpan.FromSeconds(2)));
        Assert.NotSame(signals.AllWritten.Task, first);
        Assert.InRange(signals.WritesCompleted, 0, 4);

        var received = 0;
        while (await call.ResponseStream.MoveNext().WaitAsync(TestTimeouts.Call))
        {
            Assert.Equal(MessageSize, call.ResponseStream.Current.Payload.Length);
            received++;
        }

        Assert.Equal(MessageCount, received);
        await signals.AllWritten.Task.WaitAsync(TestTimeouts.Call);
        Assert.Equal(MessageCount, signals.WritesCompleted);
    }
}
