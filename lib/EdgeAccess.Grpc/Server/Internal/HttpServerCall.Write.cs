using System.Buffers;
using System.Globalization;
using System.Text;
using EdgeAccess.Grpc.Protocol;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace EdgeAccess.Grpc.Server.Internal;

internal sealed partial class HttpServerCall
{
    // Serialises the handler's writes with the deadline timer, which may end the call at any time.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _headersSent;
    private bool _compressResponses;

    /// <summary>True once the status has been sent.</summary>
    public bool IsCompleted { get; private set; }

    public override async Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        await _writeLock.WaitAsync(CancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCompleted();
            if (_headersSent)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call.");
            }

            await SendHeadersAsync(responseHeaders).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes one response message and waits until the transport has taken it (backpressure).</summary>
    public async Task WriteMessageAsync<T>(T message, WriteOptions? writeOptions, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCompleted();
            if (!_headersSent)
            {
                await SendHeadersAsync(null).ConfigureAwait(false);
            }

            var noCompress = ((writeOptions ?? WriteOptions)?.Flags ?? WriteFlags.None).HasFlag(WriteFlags.NoCompress);
            var writer = _http.Response.BodyWriter;
            if (WebMode == GrpcWebMode.Text)
            {
                var frame = new ArrayBufferWriter<byte>();
                MessageFraming.WriteMessage(frame, message, _compressResponses && !noCompress, _options.MaxSendMessageSize);
                WriteBase64(writer, frame.WrittenSpan);
            }
            else
            {
                MessageFraming.WriteMessage(writer, message, _compressResponses && !noCompress, _options.MaxSendMessageSize);
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Ends the call with <paramref name="status"/>: HTTP/2 trailers; for gRPC-web a trailers frame;
    /// before any message, a Trailers-Only response (status in the headers, no body).
    /// </summary>
    public async Task EndCallAsync(Status status)
    {
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await EndCallCoreAsync(status).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task EndCallCoreAsync(Status status)
    {
        if (IsCompleted)
        {
            return;
        }

        IsCompleted = true;
        var response = _http.Response;
        if (!_headersSent)
        {
            // Trailers-Only (PROTOCOL-HTTP2): HTTP status, content-type and the trailers, in one HEADERS frame.
            if (!response.HasStarted)
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = _web?.ResponseContentType ?? GrpcProtocol.ContentTypeGrpc;
                response.Headers[GrpcProtocol.StatusHeader] = ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture);
                if (!string.IsNullOrEmpty(status.Detail))
                {
                    response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(status.Detail);
                }

                foreach (var entry in ResponseTrailers)
                {
                    response.Headers.Append(entry.Key, MetadataCodec.ToHeaderValue(entry));
                }
            }

            _headersSent = true;
            await response.CompleteAsync().ConfigureAwait(false);
            return;
        }

        if (WebMode != GrpcWebMode.None)
        {
            WriteWebTrailers(status);
            await response.BodyWriter.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            response.AppendTrailer(GrpcProtocol.StatusHeader, ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(status.Detail))
            {
                response.AppendTrailer(GrpcProtocol.MessageHeader, PercentEncoding.Encode(status.Detail));
            }

            foreach (var entry in ResponseTrailers)
            {
                response.AppendTrailer(entry.Key, MetadataCodec.ToHeaderValue(entry));
            }
        }

        await response.CompleteAsync().ConfigureAwait(false);
    }

    private async Task SendHeadersAsync(Metadata? responseHeaders)
    {
        var response = _http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = _web?.ResponseContentType ?? GrpcProtocol.ContentTypeGrpc;

        // Compress only with an encoding the client said it accepts (doc/compression.md).
        var acceptEncoding = _http.Request.Headers[GrpcProtocol.AcceptEncodingHeader].ToString();
        _compressResponses = ResponseCompression is { } encoding && !GrpcCompression.IsIdentity(encoding) &&
                             GrpcCompression.IsSupported(encoding) && GrpcCompression.Accepts(acceptEncoding, encoding);
        if (_compressResponses)
        {
            response.Headers[GrpcProtocol.EncodingHeader] = GrpcCompression.Gzip;
        }

        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcCompression.AcceptEncodingValue;
        if (responseHeaders is not null)
        {
            foreach (var entry in responseHeaders)
            {
                if (GrpcProtocol.IsReservedHeader(entry.Key))
                {
                    throw new InvalidOperationException($"Response header '{entry.Key}' is reserved for the gRPC protocol.");
                }

                response.Headers.Append(entry.Key, MetadataCodec.ToHeaderValue(entry));
            }
        }

        _headersSent = true;
        await response.StartAsync(CancellationToken).ConfigureAwait(false);
    }

    // PROTOCOL-WEB: trailers travel as a final frame flagged 0x80 holding an HTTP/1-style header block.
    private void WriteWebTrailers(Status status)
    {
        var block = new StringBuilder();
        block.Append("grpc-status: ").Append((int)status.StatusCode).Append("\r\n");
        if (!string.IsNullOrEmpty(status.Detail))
        {
            block.Append("grpc-message: ").Append(PercentEncoding.Encode(status.Detail)).Append("\r\n");
        }

        foreach (var entry in ResponseTrailers)
        {
            block.Append(entry.Key).Append(": ").Append(MetadataCodec.ToHeaderValue(entry)).Append("\r\n");
        }

        var payload = Encoding.ASCII.GetBytes(block.ToString());
        var frame = new byte[GrpcProtocol.HeaderSize + payload.Length];
        MessageFraming.WriteHeader(frame, GrpcProtocol.TrailersFrameFlag, payload.Length);
        payload.CopyTo(frame, GrpcProtocol.HeaderSize);
        if (WebMode == GrpcWebMode.Text)
        {
            WriteBase64(_http.Response.BodyWriter, frame);
        }
        else
        {
            _http.Response.BodyWriter.Write(frame);
        }
    }

    // grpc-web-text: each frame is base64 encoded on its own, padded; clients decode chunk by chunk.
    private static void WriteBase64(IBufferWriter<byte> writer, ReadOnlySpan<byte> frame)
    {
        var length = System.Buffers.Text.Base64.GetMaxEncodedToUtf8Length(frame.Length);
        var span = writer.GetSpan(length);
        System.Buffers.Text.Base64.EncodeToUtf8(frame, span, out _, out var written);
        writer.Advance(written);
    }

    private void ThrowIfCompleted()
    {
        if (IsCompleted)
        {
            throw new InvalidOperationException(DeadlineExceeded
                ? "Can't write the message because the deadline has been exceeded."
                : "Can't write the message because the call is complete.");
        }
    }
}
