using EdgeAccess.Grpc.Protocol;
using Google.Protobuf;

namespace EdgeAccess.Grpc.Server.Internal;

internal sealed partial class HttpServerCall
{
    /// <summary>Reads the next request message, or null when the client has half-closed.</summary>
    public async ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var received = await MessageFraming.ReadMessageAsync(
            _http.Request.BodyReader, parser, _options.MaxReceiveMessageSize, _requestEncoding, cancellationToken).ConfigureAwait(false);
        if (received is not { } message)
        {
            return null;
        }

        _lastRequestCompressed = message.WasCompressed;
        return message.Message;
    }

    /// <summary>
    /// Reads the one request of a unary or server-streaming call: exactly one message, then the
    /// end of the stream (a second message is a protocol violation).
    /// </summary>
    public async Task<T> ReadSingleMessageAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        using var timeout = new CancellationTokenSource(_options.SingleRequestReadTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken, timeout.Token);
        try
        {
            var message = await ReadMessageAsync(parser, linked.Token).ConfigureAwait(false)
                ?? throw new RpcException(new Status(StatusCode.Internal, "The request stream ended without a message."));
            if (await ReadMessageAsync(parser, linked.Token).ConfigureAwait(false) is not null)
            {
                throw new RpcException(new Status(StatusCode.Internal, "A unary request carried more than one message."));
            }

            return message;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"The request did not arrive complete within {_options.SingleRequestReadTimeout.TotalSeconds:0.#} s."));
        }
    }

    /// <summary>The request stream of a client-streaming or duplex call.</summary>
    internal sealed class RequestStreamReader<T>(HttpServerCall call, MessageParser<T> parser) : IAsyncStreamReader<T>
        where T : class, IMessage<T>
    {
        private T? _current;
        private bool _reading;

        public T Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true yet.");

        public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
        {
            if (_reading)
            {
                throw new InvalidOperationException("Only one read may be pending at a time.");
            }

            _reading = true;
            try
            {
                using var linked = cancellationToken.CanBeCanceled
                    ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.CancellationToken)
                    : null;
                _current = await call.ReadMessageAsync(parser, linked?.Token ?? call.CancellationToken).ConfigureAwait(false);
                return _current is not null;
            }
            finally
            {
                _reading = false;
            }
        }
    }
}
