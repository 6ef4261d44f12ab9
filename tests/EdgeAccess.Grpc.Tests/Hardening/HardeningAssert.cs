using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Interop.Testing;

namespace EdgeAccess.Grpc.Tests.Hardening;

/// <summary>The closing check of every hardening test: the server still serves an ordinary call.</summary>
internal static class HardeningAssert
{
    public static async Task ServerStillServesAsync(GrpcTestServer server)
    {
        using var channel = server.CreateChannel();
        var response = await new TestService.Client(channel).UnaryCallAsync(new SimpleRequest { ResponseSize = 16 }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(16, response.Payload.Body.Length);
    }
}
