using System.Runtime.CompilerServices;

namespace EdgeAccess.Grpc.Client;

/// <summary>What every call in progress offers besides its messages.</summary>
public interface ICallState : IDisposable
{
    /// <summary>The response headers, once they arrive.</summary>
    Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The call's status; valid once the call has ended.</summary>
    Status GetStatus();

    /// <summary>The trailing metadata; valid once the call has ended.</summary>
    Metadata GetTrailers();
}

/// <summary>Implemented by calls that know how their response messages arrived.</summary>
internal interface IResponseCompressionInfo
{
    bool LastResponseCompressed { get; }
}

/// <summary>A unary call in progress. Await it for the response.</summary>
public sealed class AsyncUnaryCall<TResponse> : IDisposable
{
    private readonly ICallState _state;

    /// <summary>Wraps a running call.</summary>
    public AsyncUnaryCall(Task<TResponse> responseAsync, ICallState state)
    {
        ResponseAsync = responseAsync;
        _state = state;
    }

    /// <summary>The response; faults with <see cref="RpcException"/> on a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The response headers, once they arrive.</summary>
    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    /// <summary>Whether the most recently read response message arrived compressed (for diagnostics and the interop suite).</summary>
    public bool LastResponseCompressed => _state is IResponseCompressionInfo info && info.LastResponseCompressed;

    /// <summary>The call's status; valid once the call has ended.</summary>
    public Status GetStatus() => _state.GetStatus();

    /// <summary>The trailing metadata; valid once the call has ended.</summary>
    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Awaits the response.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>Cancels the call if it is still running and frees its resources.</summary>
    public void Dispose() => _state.Dispose();
}

/// <summary>A server-streaming call in progress.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly ICallState _state;

    /// <summary>Wraps a running call.</summary>
    public AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, ICallState state)
    {
        ResponseStream = responseStream;
        _state = state;
    }

    /// <summary>The responses; reading past the end throws <see cref="RpcException"/> on a non-OK status.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The response headers, once they arrive.</summary>
    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    /// <summary>Whether the most recently read response message arrived compressed (for diagnostics and the interop suite).</summary>
    public bool LastResponseCompressed => _state is IResponseCompressionInfo info && info.LastResponseCompressed;

    /// <summary>The call's status; valid once the call has ended.</summary>
    public Status GetStatus() => _state.GetStatus();

    /// <summary>The trailing metadata; valid once the call has ended.</summary>
    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Cancels the call if it is still running and frees its resources.</summary>
    public void Dispose() => _state.Dispose();
}

/// <summary>A client-streaming call in progress.</summary>
public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly ICallState _state;

    /// <summary>Wraps a running call.</summary>
    public AsyncClientStreamingCall(IClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync, ICallState state)
    {
        RequestStream = requestStream;
        ResponseAsync = responseAsync;
        _state = state;
    }

    /// <summary>Where requests are written; complete it to half-close.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response; faults with <see cref="RpcException"/> on a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The response headers, once they arrive.</summary>
    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    /// <summary>Whether the most recently read response message arrived compressed (for diagnostics and the interop suite).</summary>
    public bool LastResponseCompressed => _state is IResponseCompressionInfo info && info.LastResponseCompressed;

    /// <summary>The call's status; valid once the call has ended.</summary>
    public Status GetStatus() => _state.GetStatus();

    /// <summary>The trailing metadata; valid once the call has ended.</summary>
    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Awaits the response.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>Cancels the call if it is still running and frees its resources.</summary>
    public void Dispose() => _state.Dispose();
}

/// <summary>A duplex-streaming call in progress.</summary>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly ICallState _state;

    /// <summary>Wraps a running call.</summary>
    public AsyncDuplexStreamingCall(IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream, ICallState state)
    {
        RequestStream = requestStream;
        ResponseStream = responseStream;
        _state = state;
    }

    /// <summary>Where requests are written; complete it to half-close.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The responses; reading past the end throws <see cref="RpcException"/> on a non-OK status.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The response headers, once they arrive.</summary>
    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    /// <summary>Whether the most recently read response message arrived compressed (for diagnostics and the interop suite).</summary>
    public bool LastResponseCompressed => _state is IResponseCompressionInfo info && info.LastResponseCompressed;

    /// <summary>The call's status; valid once the call has ended.</summary>
    public Status GetStatus() => _state.GetStatus();

    /// <summary>The trailing metadata; valid once the call has ended.</summary>
    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Cancels the call if it is still running and frees its resources.</summary>
    public void Dispose() => _state.Dispose();
}
