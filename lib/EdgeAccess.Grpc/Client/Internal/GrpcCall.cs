using System.Diagnostics;
using System.Net.Http.Headers;
using EdgeAccess.Grpc.Protocol;
using EdgeAccess.Grpc.Telemetry;
using Google.Protobuf;

namespace EdgeAccess.Grpc.Client.Internal;

/// <summary>
/// One client call over HTTP/2. Split by aspect: starting and ending (this file), the request
/// stream (<c>.Request.cs</c>), the response stream and status (<c>.Response.cs</c>).
/// </summary>
internal sealed partial class GrpcCall<TRequest, TResponse> : ICallState, IResponseCompressionInfo
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private const string UserAgent = "grpc-csharp-edgeaccess/1.0";

    // Timers cannot be armed further out than this; a later deadline behaves as none on both sides.
    private static readonly TimeSpan MaxTimerDueTime = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly TaskCompletionSource<Metadata> _headersTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Status> _statusTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _started;
    private readonly Activity? _activity;
    private Task<HttpResponseMessage?>? _sendTask;
    private CancellationTokenRegistration _cancellationRegistration;
    private Metadata? _trailers;
    private int _disposed;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        var time = channel.Options.TimeProvider;
        _started = time.GetTimestamp();
        // The call's span must not become the caller's current activity: the constructor runs on
        // the caller's execution context, and later work there would hang off a finished span.
        var callerActivity = Activity.Current;
        _activity = GrpcTelemetry.StartActivity(method, ActivityKind.Client);
        Activity.Current = callerActivity;
        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var remaining = deadline.ToUniversalTime() - time.GetUtcNow().UtcDateTime;
            if (remaining < MaxTimerDueTime)
            {
                _deadlineCts = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time);
            }
        }

        _cts = _deadlineCts is null
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, _deadlineCts.Token);
    }

    public Task<Metadata> ResponseHeadersAsync => _headersTcs.Task;

    public Status GetStatus() =>
        _statusTcs.Task.IsCompletedSuccessfully
            ? _statusTcs.Task.Result
            : throw new InvalidOperationException("The call has not ended yet: its status is unknown.");

    public Metadata GetTrailers() =>
        _statusTcs.Task.IsCompletedSuccessfully
            ? _trailers ?? Metadata.Empty
            : throw new InvalidOperationException("The call has not ended yet: its trailers are unknown.");

    private HttpRequestMessage CreateRequest(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.FullName))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        content.Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocol.ContentTypeGrpc);
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, GrpcProtocol.TeTrailers);
        headers.TryAddWithoutValidation(GrpcProtocol.UserAgentHeader, UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcCompression.AcceptEncodingValue);
        if (_options.RequestCompression is { } encoding && !GrpcCompression.IsIdentity(encoding))
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, encoding);
        }

        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var remaining = deadline.ToUniversalTime() - _channel.Options.TimeProvider.GetUtcNow().UtcDateTime;
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(remaining));
        }

        if (_options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                if (GrpcProtocol.IsReservedHeader(entry.Key))
                {
                    throw new ArgumentException($"Metadata key '{entry.Key}' is reserved for the gRPC protocol.");
                }

                headers.TryAddWithoutValidation(entry.Key, MetadataCodec.ToHeaderValue(entry));
            }
        }

        if (_activity is not null)
        {
            // W3C trace context travels as request metadata (traceparent / tracestate).
            DistributedContextPropagator.Current.Inject(_activity, headers, static (carrier, name, value) =>
                ((HttpRequestHeaders)carrier!).TryAddWithoutValidation(name, value));
        }

        return request;
    }

    private void Send(HttpContent content)
    {
        if (_options.RequestCompression is { } encoding && !GrpcCompression.IsSupported(encoding))
        {
            throw new ArgumentException($"Request compression '{encoding}' is not supported; use '{GrpcCompression.Gzip}'.");
        }

        var request = CreateRequest(content);
        _cancellationRegistration = _cts.Token.Register(static state => ((GrpcCall<TRequest, TResponse>)state!).OnCancelled(), this);
        _sendTask = SendAsync(request);
    }

    /// <summary>Ends the call with <paramref name="status"/> (first status wins) and records telemetry.</summary>
    private Status Finish(Status status, Metadata? trailers)
    {
        if (!_statusTcs.TrySetResult(status))
        {
            return _statusTcs.Task.Result;
        }

        _trailers = trailers ?? Metadata.Empty;
        _headersTcs.TrySetResult(Metadata.Empty);
        GrpcTelemetry.Complete(_activity, status);
        GrpcTelemetry.RecordDuration(GrpcTelemetry.ClientDuration, _method, status, _channel.Options.TimeProvider.GetElapsedTime(_started));
        CompleteRequestStream();
        return status;
    }

    private Status CancellationStatus() =>
        _deadlineCts?.IsCancellationRequested == true
            ? new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")
            : new Status(StatusCode.Cancelled, "Call canceled by the client.");

    private void OnCancelled()
    {
        Finish(CancellationStatus(), null);
        // Disposing an unfinished HTTP/2 response resets the stream (RST_STREAM CANCEL), which
        // tells the server at once.
        _response?.Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_statusTcs.Task.IsCompleted)
        {
            _cts.Cancel();
        }

        _cancellationRegistration.Dispose();
        _response?.Dispose();
        _cts.Dispose();
        _deadlineCts?.Dispose();
    }
}
