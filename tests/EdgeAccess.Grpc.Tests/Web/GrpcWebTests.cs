using System.Net;
using System.Text;
using EdgeAccess.Grpc.Tests.Infrastructure;
using EdgeAccess.Interop.Testing;

namespace EdgeAccess.Grpc.Tests.Web;

/// <summary>
/// gRPC-web (PROTOCOL-WEB) over HTTP/1.1 and HTTP/2: the same frames as gRPC, with the trailers
/// sent as a last frame flagged 0x80 holding an HTTP/1 header block; the "-text" variants carry the
/// body base64-encoded.
/// </summary>
public sealed class GrpcWebTests(GrpcServerFixture fixture) : IClassFixture<GrpcServerFixture>
{
    private const string UnaryCall = "/grpc.testing.TestService/UnaryCall";

    [Theory]
    [InlineData("application/grpc-web", false)]
    [InlineData("application/grpc-web+proto", false)]
    [InlineData("application/grpc-web-text", false)]
    [InlineData("application/grpc-web", true)]
    [InlineData("application/grpc-web+proto", true)]
    [InlineData("application/grpc-web-text", true)]
    public async Task UnaryCall_WebContentType_MessageFrameThenTrailerFrame(string contentType, bool http2)
    {
        var text = contentType.StartsWith("application/grpc-web-text", StringComparison.Ordinal);
        var frame = RawGrpc.Frame(new SimpleRequest { ResponseSize = 100 });
        HttpContent content = text ? new StringContent(Convert.ToBase64String(frame)) : new ByteArrayContent(frame);

        var response = await SendAsync(content, contentType, http2);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.ContentHeaders.ContentType?.MediaType);
        Assert.Empty(response.Trailers);
        var body = text ? RawGrpc.DecodeTextBody(Encoding.ASCII.GetString(response.Body)) : response.Body;
        var frames = RawGrpc.ParseFrames(body);
        Assert.Equal(2, frames.Count);
        Assert.Equal(0, frames[0].Flags);
        Assert.Equal(100, SimpleResponse.Parser.ParseFrom(frames[0].Payload).Payload.Body.Length);
        Assert.Equal(0x80, frames[1].Flags);
        Assert.Equal("0", RawGrpc.ParseWebTrailers(frames[1].Payload)["grpc-status"]);
    }

    // Each frame is encoded on its own, padded, so the body is several base64 chunks back to back.
    [Fact]
    public async Task UnaryCall_WebTextResponse_EachFrameIsItsOwnPaddedChunk()
    {
        // A 1-byte payload: the message frame is 5 + 5 bytes, not a multiple of 3, so it needs padding.
        var frame = RawGrpc.Frame(new SimpleRequest { ResponseSize = 1 });

        var response = await SendAsync(new StringContent(Convert.ToBase64String(frame)), "application/grpc-web-text", http2: false);

        var body = Encoding.ASCII.GetString(response.Body);
        var firstPad = body.IndexOf('=', StringComparison.Ordinal);
        Assert.InRange(firstPad, 0, body.Length - 5); // padding inside the body, not only at its end
        var firstChunk = Convert.FromBase64String(body[..(((firstPad / 4) + 1) * 4)]);
        Assert.Equal(0, Assert.Single(RawGrpc.ParseFrames(firstChunk)).Flags);
        Assert.Equal(0x80, RawGrpc.ParseFrames(RawGrpc.DecodeTextBody(body))[^1].Flags);
    }

    [Fact]
    public async Task UnaryCall_WebTextRequestInTwoPaddedChunks_Succeeds()
    {
        var frame = RawGrpc.Frame(new SimpleRequest { ResponseSize = 7, Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[20]) } });
        // Split at 7 bytes: both halves have a length that is not a multiple of 3, so both are padded.
        var wire = Convert.ToBase64String(frame[..7]) + Convert.ToBase64String(frame[7..]);
        Assert.Contains("=", wire[..^4], StringComparison.Ordinal);

        var response = await SendAsync(new StringContent(wire), "application/grpc-web-text", http2: false);

        var frames = RawGrpc.ParseFrames(RawGrpc.DecodeTextBody(Encoding.ASCII.GetString(response.Body)));
        Assert.Equal(7, SimpleResponse.Parser.ParseFrom(frames[0].Payload).Payload.Body.Length);
        Assert.Equal("0", RawGrpc.ParseWebTrailers(frames[^1].Payload)["grpc-status"]);
    }

    // PROTOCOL-WEB keeps Trailers-Only: with no message, the status is in the HTTP response headers.
    [Theory]
    [InlineData("application/grpc-web")]
    [InlineData("application/grpc-web-text")]
    public async Task UnaryCall_WebErrorStatus_TrailersOnlyInHeaders(string contentType)
    {
        var frame = RawGrpc.Frame(new SimpleRequest { ResponseStatus = new EchoStatus { Code = 5, Message = "gone" } });
        HttpContent content = contentType.EndsWith("-text", StringComparison.Ordinal) ? new StringContent(Convert.ToBase64String(frame)) : new ByteArrayContent(frame);

        var response = await SendAsync(content, contentType, http2: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("5", response.Header("grpc-status"));
        Assert.Equal("gone", response.Header("grpc-message"));
        Assert.Empty(response.Body);
    }

    private async Task<RawResponse> SendAsync(HttpContent content, string contentType, bool http2)
    {
        using var client = fixture.Server.CreateRawClient(http2);
        var request = RawGrpc.Request(UnaryCall, content, contentType, http2);
        request.Headers.Remove("te"); // browsers do not send it
        request.Headers.TryAddWithoutValidation("x-grpc-web", "1");
        return await RawGrpc.SendAsync(client, request);
    }
}
