using System.Diagnostics;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Interop.Testing;
using Google.Protobuf;

namespace EdgeAccess.Grpc.Tests.Hardening;

/// <summary>
/// Hostile or broken request bodies end the call with a clean status, quickly, without buffering
/// what the client claims it will send; the server keeps serving afterwards.
/// </summary>
public sealed class MalformedRequestTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    private const string UnaryCall = "/grpc.testing.TestService/UnaryCall";

    private GrpcTestServer Server => fixture.Server;

    // The limit is enforced from the 5-byte prefix alone: the body never ends (no END_STREAM),
    // so an answer at all proves the server did not wait to buffer 4 GiB.
    [Fact]
    public async Task UnaryCall_LengthPrefix0xFFFFFFFF_ResourceExhaustedWithoutBuffering()
    {
        using var content = new StallingContent(RawGrpc.Frame(0, [], declaredLength: uint.MaxValue));

        var response = await SendAsync(content);

        Assert.Equal((int)StatusCode.ResourceExhausted, response.GrpcStatus);
        await HardeningAssert.ServerStillServesAsync(Server);
    }

    [Fact]
    public async Task UnaryCall_TruncatedMessageThenEndOfStream_Internal()
    {
        var response = await SendAsync(new ByteArrayContent(RawGrpc.Frame(0, new byte[10], declaredLength: 100)));

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        await HardeningAssert.ServerStillServesAsync(Server);
    }

    [Fact]
    public async Task UnaryCall_InvalidProtobuf_Internal()
    {
        // Tag 0x0F is field 1 with wire type 7, which does not exist.
        var response = await SendAsync(new ByteArrayContent(RawGrpc.Frame(0, [0x0F, 0x00, 0x01])));

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        await HardeningAssert.ServerStillServesAsync(Server);
    }

    [Fact]
    public async Task UnaryCall_MessageOverDefault4MiB_ResourceExhausted()
    {
        var request = new SimpleRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[4 * 1024 * 1024]) } };

        var response = await SendAsync(new ByteArrayContent(RawGrpc.Frame(request)));

        Assert.Equal((int)StatusCode.ResourceExhausted, response.GrpcStatus);
        await HardeningAssert.ServerStillServesAsync(Server);
    }

    // doc/compression.md: a compressed message needs the grpc-encoding the sender declared.
    [Fact]
    public async Task UnaryCall_CompressedFlagWithoutGrpcEncoding_Internal()
    {
        var response = await SendAsync(new ByteArrayContent(RawGrpc.Frame(1, new SimpleRequest().ToByteArray())));

        Assert.Equal((int)StatusCode.Internal, response.GrpcStatus);
        await HardeningAssert.ServerStillServesAsync(Server);
    }

    // doc/compression.md: an unsupported request encoding is UNIMPLEMENTED, and the response
    // names the encodings the server accepts.
    [Fact]
    public async Task UnaryCall_UnsupportedGrpcEncoding_UnimplementedWithAcceptEncoding()
    {
        using var client = Server.CreateRawClient();
        var request = RawGrpc.Request(UnaryCall, new SimpleRequest());
        request.Headers.TryAddWithoutValidation("grpc-encoding", "br");

        var response = await RawGrpc.SendAsync(client, request);

        Assert.Equal((int)StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Contains("gzip", response.Header("grpc-accept-encoding"), StringComparison.Ordinal);
        await HardeningAssert.ServerStillServesAsync(Server);
    }

    // A unary request that never ends: Kestrel's minimum request body data rate (240 B/s after a
    // 5 s grace period) still applies to unary calls, so the server ends the call on its own.
    [Fact]
    public async Task UnaryCall_RequestWithoutEndStream_ServerEndsCallWithinBound()
    {
        using var client = Server.CreateRawClient();
        using var content = new StallingContent(RawGrpc.Frame(new SimpleRequest { ResponseSize = 1 }));
        var stopwatch = Stopwatch.StartNew();

        var outcome = await OutcomeAsync(client, RawGrpc.Request(UnaryCall, content));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"ended after {stopwatch.Elapsed}: {outcome}");
        Assert.NotEqual("grpc-status 0", outcome);
        await HardeningAssert.ServerStillServesAsync(Server);
    }

    private async Task<RawResponse> SendAsync(HttpContent content)
    {
        using var client = Server.CreateRawClient();
        return await RawGrpc.SendAsync(client, RawGrpc.Request(UnaryCall, content));
    }

    // "grpc-status N" when the server answered, else the exception that ended the stream or connection.
    private static async Task<string> OutcomeAsync(HttpClient client, HttpRequestMessage request)
    {
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeouts.Long);
            await response.Content.ReadAsByteArrayAsync().WaitAsync(TestTimeouts.Long);
            var status = response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.First()
                : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : $"none (HTTP {(int)response.StatusCode})";
            return "grpc-status " + status;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            // Kestrel enforces the data rate per HTTP/2 connection and resets the whole connection;
            // HttpClient then cancels the stalled request body, which surfaces as a cancellation.
            return ex.GetType().Name + ": " + ex.Message;
        }
    }
}
