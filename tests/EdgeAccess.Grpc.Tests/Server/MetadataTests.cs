using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Grpc.Tests.Probes;
using EdgeAccess.Interop.Testing;

namespace EdgeAccess.Grpc.Tests.Server;

/// <summary>Custom metadata both ways (PROTOCOL-HTTP2, Custom-Metadata; "-bin" values travel base64).</summary>
public sealed class MetadataTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>, IDisposable
{
    private const string EchoInitialKey = "x-grpc-test-echo-initial";
    private const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";

    private readonly GrpcChannel _channel = fixture.Server.CreateChannel();

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task Echo_RequestMetadata_VisibleToHandler()
    {
        var headers = new Metadata { { "x-tenant", "acme" }, { "x-request-id", "42" } };

        var reply = await new ProbeService.Client(_channel).EchoAsync(new ProbeRequest(), headers).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Contains("x-tenant=acme", reply.Metadata);
        Assert.Contains("x-request-id=42", reply.Metadata);
        Assert.DoesNotContain(reply.Metadata, m => m.StartsWith("grpc-", StringComparison.Ordinal) || m.StartsWith("te=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnaryCall_EchoMetadata_ResponseHeadersAndTrailersArrive()
    {
        byte[] trailing = [0xAB, 0x00, 0xFF];
        var headers = new Metadata { { EchoInitialKey, "initial-value" }, { EchoTrailingKey, trailing } };
        using var call = new TestService.Client(_channel).UnaryCallAsync(new SimpleRequest { ResponseSize = 10 }, headers);

        await call.ResponseAsync.WaitAsync(TestTimeouts.Call);
        var responseHeaders = await call.ResponseHeadersAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal("initial-value", responseHeaders.GetValue(EchoInitialKey));
        Assert.Equal(trailing, call.GetTrailers().GetValueBytes(EchoTrailingKey));
    }

    [Fact]
    public async Task UnaryCall_BinaryMetadataOnTheWire_IsPaddedBase64BothWays()
    {
        using var client = fixture.Server.CreateRawClient();
        var request = RawGrpc.Request("/grpc.testing.TestService/UnaryCall", new SimpleRequest());
        // Sent unpadded ("AQI" is [1, 2]): receivers must accept both forms.
        request.Headers.TryAddWithoutValidation(EchoTrailingKey, "AQI");

        var response = await RawGrpc.SendAsync(client, request);

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("AQI=", response.Trailer(EchoTrailingKey));
    }
}
