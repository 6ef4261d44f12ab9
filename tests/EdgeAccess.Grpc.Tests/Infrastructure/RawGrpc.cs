using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace EdgeAccess.Grpc.Tests.Infrastructure;

/// <summary>One length-prefixed frame of a response body (PROTOCOL-HTTP2 / PROTOCOL-WEB).</summary>
public readonly record struct GrpcFrame(byte Flags, byte[] Payload);

/// <summary>A whole raw response: HTTP status, headers, body and trailers.</summary>
public sealed record RawResponse(HttpStatusCode StatusCode, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders, byte[] Body, HttpResponseHeaders Trailers)
{
    /// <summary>A header value from the response headers, or null.</summary>
    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.First() : null;

    /// <summary>A trailer value, or null.</summary>
    public string? Trailer(string name) => Trailers.TryGetValues(name, out var values) ? values.First() : null;

    /// <summary>grpc-status from the trailers, or from the headers for a Trailers-Only response.</summary>
    public int? GrpcStatus => (Trailer("grpc-status") ?? Header("grpc-status")) is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>Builds gRPC requests byte by byte and reads responses without our client, for protocol probes.</summary>
public static class RawGrpc
{
    /// <summary>A frame: flags, 4-byte big-endian length, payload.</summary>
    public static byte[] Frame(byte flags, ReadOnlySpan<byte> payload, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>An uncompressed frame holding <paramref name="message"/>.</summary>
    public static byte[] Frame(IMessage message) => Frame(0, message.ToByteArray());

    /// <summary>A POST to <paramref name="path"/>; HTTP/2 with prior knowledge unless <paramref name="http2"/> is false.</summary>
    public static HttpRequestMessage Request(string path, HttpContent content, string contentType = "application/grpc", bool http2 = true)
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    /// <summary>A POST of one frame holding <paramref name="message"/>.</summary>
    public static HttpRequestMessage Request(string path, IMessage message, string contentType = "application/grpc", bool http2 = true) =>
        Request(path, new ByteArrayContent(Frame(message)), contentType, http2);

    /// <summary>Sends and reads the whole response, trailers included.</summary>
    public static async Task<RawResponse> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeouts.Call);
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(TestTimeouts.Call);
        return new RawResponse(response.StatusCode, response.Headers, response.Content.Headers, body, response.TrailingHeaders);
    }

    /// <summary>Splits a binary body into its frames; fails on a trailing partial frame.</summary>
    public static List<GrpcFrame> ParseFrames(ReadOnlySpan<byte> body)
    {
        var frames = new List<GrpcFrame>();
        while (body.Length > 0)
        {
            if (body.Length < 5)
            {
                throw new InvalidDataException($"A partial frame header of {body.Length} bytes ends the body.");
            }

            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
            frames.Add(new GrpcFrame(body[0], body.Slice(5, length).ToArray()));
            body = body[(5 + length)..];
        }

        return frames;
    }

    /// <summary>
    /// Decodes a grpc-web-text body quantum by quantum: the server base64-encodes each frame on its
    /// own with padding (PROTOCOL-WEB), so the body as a whole need not be one valid base64 string,
    /// but every 4-character quantum is.
    /// </summary>
    public static byte[] DecodeTextBody(string body)
    {
        if (body.Length % 4 != 0)
        {
            throw new InvalidDataException($"A grpc-web-text body of {body.Length} characters is not whole base64 quanta.");
        }

        var output = new List<byte>(body.Length / 4 * 3);
        for (var i = 0; i < body.Length; i += 4)
        {
            output.AddRange(Convert.FromBase64String(body.Substring(i, 4)));
        }

        return [.. output];
    }

    /// <summary>Parses the HTTP/1-style header block of a gRPC-web trailers frame (PROTOCOL-WEB).</summary>
    public static Dictionary<string, string> ParseWebTrailers(byte[] payload) =>
        System.Text.Encoding.ASCII.GetString(payload)
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0].Trim().ToLowerInvariant(), parts => parts[1].Trim(), StringComparer.Ordinal);
}

/// <summary>
/// A request body that sends <paramref name="prefix"/> and then never ends (no END_STREAM) until
/// disposed or the request is cancelled: a client that stalls mid-request.
/// </summary>
public sealed class StallingContent(byte[] prefix) : HttpContent
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(prefix, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await _release.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        _release.TrySetResult();
        base.Dispose(disposing);
    }
}
