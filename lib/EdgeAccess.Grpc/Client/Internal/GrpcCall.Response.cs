using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using EdgeAccess.Grpc.Protocol;

namespace EdgeAccess.Grpc.Client.Internal;

internal sealed partial class GrpcCall<TRequest, TResponse>
{
    private HttpResponseMessage? _response;
    private PipeReader? _responseReader;
    private string? _responseEncoding;

    /// <summary>Whether the most recently read response message arrived compressed.</summary>
    public bool LastResponseCompressed { get; private set; }

    private async Task<HttpResponseMessage?> SendAsync(HttpRequestMessage request)
    {
        try
        {
            var response = await _channel.Invoker.SendAsync(request, _cts.Token).ConfigureAwait(false);
            _response = response;
            if (_statusTcs.Task.IsCompleted)
            {
                response.Dispose();
                return null;
            }

            if (ValidateHeaders(response) is { } failure)
            {
                Finish(failure.Status, failure.Trailers);
                response.Dispose();
                return null;
            }

            var headers = new Metadata();
            MetadataCodec.AddHeaders(headers, response.Headers);
            _headersTcs.TrySetResult(headers);
            _responseEncoding = response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var encodings) ? encodings.FirstOrDefault() : null;
            return response;
        }
        catch (Exception ex) when (_cts.IsCancellationRequested)
        {
            Finish(CancellationStatus() with { DebugException = ex }, null);
            return null;
        }
        // SocketException too: SocketsHttpHandler lets one through unwrapped when the connection
        // drops while it is being set up (Socket.RemoteEndPoint on a socket just disconnected).
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException or OperationCanceledException)
        {
            Finish(new Status(StatusCode.Unavailable, $"Error starting gRPC call. {ex.GetType().Name}: {ex.Message}") { DebugException = ex }, null);
            return null;
        }
    }

    /// <summary>
    /// Checks the response headers. A non-200 HTTP status maps to a gRPC status (PROTOCOL-HTTP2,
    /// "HTTP to gRPC Status Code Mapping"); a Trailers-Only response carries the status in its headers.
    /// </summary>
    private static (Status Status, Metadata? Trailers)? ValidateHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = response.StatusCode switch
            {
                HttpStatusCode.BadRequest => StatusCode.Internal,
                HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
                HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
                HttpStatusCode.NotFound => StatusCode.Unimplemented,
                HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
                    or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
                _ => StatusCode.Unknown,
            };
            return (new Status(code, $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}"), null);
        }

        if (TryReadStatus(response.Headers, out var trailersOnly))
        {
            var trailers = new Metadata();
            MetadataCodec.AddHeaders(trailers, response.Headers);
            return (trailersOnly, trailers);
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            return (new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType}"), null);
        }

        return null;
    }

    private static bool TryReadStatus(System.Net.Http.Headers.HttpHeaders headers, out Status status)
    {
        status = default;
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var values))
        {
            return false;
        }

        var raw = values.FirstOrDefault();
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            status = new Status(StatusCode.Internal, $"Unexpected grpc-status value: {raw}");
            return true;
        }

        var message = headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages) ? messages.FirstOrDefault() : null;
        status = new Status((StatusCode)code, message is null ? string.Empty : PercentEncoding.Decode(message));
        return true;
    }

    /// <summary>Reads the next response, or null when the server ended the stream (the status is then set).</summary>
    private async Task<TResponse?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var response = await _sendTask!.ConfigureAwait(false);
        if (response is null)
        {
            return null;
        }

        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token) : null;
        var token = linked?.Token ?? _cts.Token;
        try
        {
            _responseReader ??= PipeReader.Create(await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false));
            var received = await MessageFraming.ReadMessageAsync(
                _responseReader, _method.ResponseParser, _channel.Options.MaxReceiveMessageSize, _responseEncoding, token).ConfigureAwait(false);
            if (received is { } message)
            {
                LastResponseCompressed = message.WasCompressed;
                return message.Message;
            }

            // End of the body: the status is in the trailers (PROTOCOL-HTTP2).
            var trailers = new Metadata();
            MetadataCodec.AddHeaders(trailers, response.TrailingHeaders);
            var status = TryReadStatus(response.TrailingHeaders, out var fromTrailers)
                ? fromTrailers
                : new Status(StatusCode.Internal, "No grpc-status found on response.");
            Finish(status, trailers);
            return null;
        }
        catch (Exception ex) when (_cts.IsCancellationRequested)
        {
            Finish(CancellationStatus() with { DebugException = ex }, null);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Only this read was cancelled, not the call.
            throw;
        }
        catch (RpcException ex)
        {
            // A malformed or oversize response: the call fails, and the stream is reset.
            Finish(ex.Status, null);
            response.Dispose();
            return null;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            Finish(MapTransportFailure(ex), null);
            return null;
        }
    }

    // The server reset the stream: RST_STREAM codes map to statuses (PROTOCOL-HTTP2, "Errors").
    private static Status MapTransportFailure(Exception ex)
    {
        var code = (ex as HttpProtocolException ?? ex.InnerException as HttpProtocolException)?.ErrorCode switch
        {
            0x7 => StatusCode.Unavailable, // REFUSED_STREAM
            0x8 => StatusCode.Cancelled, // CANCEL
            0xB => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
            0xC => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
            null => StatusCode.Unavailable,
            _ => StatusCode.Internal,
        };
        return new Status(code, $"Error reading the response. {ex.GetType().Name}: {ex.Message}") { DebugException = ex };
    }

    private RpcException Failure(Status status) => new(status, _trailers ?? Metadata.Empty);

    /// <summary>The response of a unary or client-streaming call: exactly one message and an OK status.</summary>
    public async Task<TResponse> ReadUnaryResponseAsync()
    {
        try
        {
            var message = await ReadMessageAsync(CancellationToken.None).ConfigureAwait(false);
            if (message is null)
            {
                var status = await _statusTcs.Task.ConfigureAwait(false);
                throw Failure(status.StatusCode == StatusCode.OK
                    ? new Status(StatusCode.Internal, "Failed to deserialize response message: the server sent none.")
                    : status);
            }

            if (await ReadMessageAsync(CancellationToken.None).ConfigureAwait(false) is not null)
            {
                var status = Finish(new Status(StatusCode.Internal, "The server sent more than one response to a unary call."), null);
                throw Failure(status);
            }

            var final = await _statusTcs.Task.ConfigureAwait(false);
            return final.StatusCode == StatusCode.OK ? message : throw Failure(final);
        }
        finally
        {
            _cancellationRegistration.Dispose();
        }
    }

    /// <summary>The response stream of a server-streaming or duplex call.</summary>
    public IAsyncStreamReader<TResponse> CreateResponseReader() => new ResponseStreamReader(this);

    private sealed class ResponseStreamReader(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
    {
        private TResponse? _current;
        private int _reading;

        public TResponse Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true yet.");

        public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _reading, 1) != 0)
            {
                throw new InvalidOperationException("Only one read may be pending at a time.");
            }

            try
            {
                _current = await call.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
                if (_current is not null)
                {
                    return true;
                }

                var status = await call._statusTcs.Task.ConfigureAwait(false);
                return status.StatusCode == StatusCode.OK ? false : throw call.Failure(status);
            }
            finally
            {
                Volatile.Write(ref _reading, 0);
            }
        }
    }
}
