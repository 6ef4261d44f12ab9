using System.Buffers;
using System.Net;
using EdgeAccess.Grpc.Protocol;

namespace EdgeAccess.Grpc.Client.Internal;

internal sealed partial class GrpcCall<TRequest, TResponse>
{
    private StreamingRequestContent? _streamingContent;

    /// <summary>Starts a call with one request message (unary, server streaming).</summary>
    public void Start(TRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var frame = Frame(request, _options.WriteOptions);
        Send(new ByteArrayContent(frame.WrittenMemory.ToArray()));
    }

    /// <summary>Starts a call whose requests the caller streams (client streaming, duplex).</summary>
    public IClientStreamWriter<TRequest> StartStreaming()
    {
        _streamingContent = new StreamingRequestContent();
        Send(_streamingContent);
        return new RequestStreamWriter(this);
    }

    private ArrayBufferWriter<byte> Frame(TRequest message, WriteOptions? writeOptions)
    {
        var compress = _options.RequestCompression is { } encoding && !GrpcCompression.IsIdentity(encoding) &&
                       ((writeOptions ?? _options.WriteOptions)?.Flags ?? WriteFlags.None).HasFlag(WriteFlags.NoCompress) == false;
        var buffer = new ArrayBufferWriter<byte>(GrpcProtocol.HeaderSize + 256);
        MessageFraming.WriteMessage(buffer, message, compress, _channel.Options.MaxSendMessageSize);
        return buffer;
    }

    private void CompleteRequestStream() => _streamingContent?.Complete();

    private async Task WriteAsync(TRequest message, WriteOptions? writeOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var content = _streamingContent!;
        if (content.IsCompleted)
        {
            ThrowIfEnded();
            throw new InvalidOperationException("Can't write a message after the request stream was completed.");
        }

        var frame = Frame(message, writeOptions);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        try
        {
            // Wait until HttpClient hands us the request stream, or the call ends first.
            var stream = await content.Stream.WaitAsync(linked.Token).ConfigureAwait(false);
            await stream.WriteAsync(frame.WrittenMemory, linked.Token).ConfigureAwait(false);
            await stream.FlushAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            ThrowIfEnded();
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new RpcException(new Status(StatusCode.Unavailable, "The request stream failed.") { DebugException = ex });
        }
    }

    private void ThrowIfEnded()
    {
        if (_statusTcs.Task.IsCompletedSuccessfully && _statusTcs.Task.Result.StatusCode != StatusCode.OK)
        {
            throw new RpcException(_statusTcs.Task.Result, _trailers ?? Metadata.Empty);
        }
    }

    private sealed class RequestStreamWriter(GrpcCall<TRequest, TResponse> call) : IClientStreamWriter<TRequest>
    {
        private int _writing;

        public WriteOptions? WriteOptions { get; set; }

        public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _writing, 1) != 0)
            {
                throw new InvalidOperationException("Only one write may be pending at a time; await the previous write.");
            }

            try
            {
                await call.WriteAsync(message, WriteOptions, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }

        public Task CompleteAsync()
        {
            call._streamingContent!.Complete();
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// A request body the caller writes message by message. HttpClient calls
    /// <see cref="SerializeToStreamAsync(Stream, TransportContext?, CancellationToken)"/> once the
    /// HTTP/2 stream is open; it publishes the stream and waits until the caller half-closes.
    /// </summary>
    private sealed class StreamingRequestContent : HttpContent
    {
        private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Stream> Stream => _stream.Task;

        public bool IsCompleted => _completed.Task.IsCompleted;

        public void Complete() => _completed.TrySetResult();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            _stream.TrySetResult(stream);
            await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
