using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Grpc.Tests.Probes;

namespace EdgeAccess.Grpc.Tests.Hardening;

/// <summary>
/// Many concurrent streams on one handler: each gets a status (or a refused stream), nothing hangs,
/// and the memory they held is released. Runs alone so the heap measure is this test's own.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class StreamFloodTests
{
    private const int Streams = 500;

    [Fact]
    public async Task WaitForCancellation_500ConcurrentStreams_AllGetStatusAndMemoryBounded()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = server.CreateRawClient(multipleConnections: true);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // Every call waits in its handler until its 1 s grpc-timeout: all 500 are in flight together.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Streams).Select(i => OneAsync(client, i))).WaitAsync(TestTimeouts.Long);

        Assert.All(outcomes, o => Assert.True(o is "4" or "refused", o));
        Assert.Equal(Streams, server.Probe.HandlerCalls + outcomes.Count(o => o == "refused"));
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - before < 64L * 1024 * 1024, $"heap grew by {(after - before) / 1024} KiB");
        await HardeningAssert.ServerStillServesAsync(server);
    }

    private static async Task<string> OneAsync(HttpClient client, int i)
    {
        var request = RawGrpc.Request("/edgeaccess.tests.ProbeService/WaitForCancellation", new ProbeRequest { Key = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        request.Headers.TryAddWithoutValidation("grpc-timeout", "1S");
        try
        {
            return (await RawGrpc.SendAsync(client, request)).GrpcStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.HttpProtocolError &&
                                               (ex.InnerException as HttpProtocolException)?.ErrorCode == 0x7)
        {
            return "refused"; // RST_STREAM REFUSED_STREAM
        }
    }
}
