using System.IO.Compression;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Interop.Testing;

namespace EdgeAccess.Grpc.Tests.Server;

/// <summary>
/// Message compression (gRPC doc/compression.md): a sender compresses only with an encoding the peer
/// accepts (grpc-accept-encoding), declares it in grpc-encoding, and sets each compressed frame's
/// Compressed-Flag to 1 (PROTOCOL-HTTP2, Length-Prefixed-Message).
/// </summary>
public sealed class CompressionTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    private const string UnaryCall = "/grpc.testing.TestService/UnaryCall";

    private GrpcTestServer Server => fixture.Server;

    private static SimpleRequest CompressedResponseRequest() =>
        new() { ResponseSize = 1000, ResponseCompressed = new BoolValue { Value = true } };

    [Fact]
    public async Task UnaryCall_ClientCompressesRequest_ServerSeesCompressedMessage()
    {
        using var channel = Server.CreateChannel();
        // expect_compressed: TestServiceImpl answers INVALID_ARGUMENT unless the message arrived compressed.
        var request = new SimpleRequest { ResponseSize = 10, ExpectCompressed = new BoolValue { Value = true }, Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[5000]) } };

        var response = await new TestService.Client(channel).UnaryCallAsync(request, new CallOptions(RequestCompression: "gzip")).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(10, response.Payload.Body.Length);
    }

    [Fact]
    public async Task UnaryCall_ClientAcceptsGzip_ResponseFrameCompressed()
    {
        using var client = Server.CreateRawClient();
        var request = RawGrpc.Request(UnaryCall, CompressedResponseRequest());
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "gzip");

        var response = await RawGrpc.SendAsync(client, request);

        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("gzip", response.Header("grpc-encoding"));
        var frame = Assert.Single(RawGrpc.ParseFrames(response.Body));
        Assert.Equal(1, frame.Flags);
        using var gzip = new GZipStream(new MemoryStream(frame.Payload), CompressionMode.Decompress);
        Assert.Equal(1000, SimpleResponse.Parser.ParseFrom(gzip).Payload.Body.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    public async Task UnaryCall_ClientDoesNotAcceptGzip_ResponseFrameUncompressed(string? acceptEncoding)
    {
        using var client = Server.CreateRawClient();
        var request = RawGrpc.Request(UnaryCall, CompressedResponseRequest());
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-accept-encoding", acceptEncoding);
        }

        var response = await RawGrpc.SendAsync(client, request);

        Assert.Equal(0, response.GrpcStatus);
        Assert.Null(response.Header("grpc-encoding"));
        var frame = Assert.Single(RawGrpc.ParseFrames(response.Body));
        Assert.Equal(0, frame.Flags);
        Assert.Equal(1000, SimpleResponse.Parser.ParseFrom(frame.Payload).Payload.Body.Length);
    }
}
