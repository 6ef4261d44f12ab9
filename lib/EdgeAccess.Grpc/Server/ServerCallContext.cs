using Microsoft.AspNetCore.Http;

namespace EdgeAccess.Grpc.Server;

/// <summary>What a service implementation knows about, and can set on, the call it serves.</summary>
public abstract class ServerCallContext
{
    /// <summary>The method's path, <c>/service/method</c>.</summary>
    public abstract string Method { get; }

    /// <summary>The peer address, e.g. <c>ipv4:127.0.0.1:5000</c>.</summary>
    public abstract string Peer { get; }

    /// <summary>When the call must be finished (UTC); <see cref="DateTime.MaxValue"/> when there is no deadline.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>The request metadata.</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Signalled when the client cancels, the deadline passes or the connection drops.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Trailing metadata sent with the status at the end of the call.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The status the call ends with when the handler returns normally. Defaults to OK.</summary>
    public abstract Status Status { get; set; }

    /// <summary>Options for response writes (e.g. no compression for the following messages).</summary>
    public abstract WriteOptions? WriteOptions { get; set; }

    /// <summary>
    /// The encoding used to compress response messages (e.g. <c>gzip</c>), or null for none. Set
    /// it before the first response message; it is used only when the client accepts it.
    /// </summary>
    public abstract string? ResponseCompression { get; set; }

    /// <summary>The encoding the client compressed its messages with, or null.</summary>
    public abstract string? RequestCompression { get; }

    /// <summary>Whether the most recently read request message arrived compressed (for diagnostics and the interop suite).</summary>
    public abstract bool LastRequestCompressed { get; }

    /// <summary>Per-call state for interceptors and handlers.</summary>
    public abstract IDictionary<object, object?> UserState { get; }

    /// <summary>The underlying HTTP exchange, for what gRPC does not model (e.g. the TLS client certificate).</summary>
    public abstract HttpContext GetHttpContext();

    /// <summary>Sends the response headers now; may be called once, before the first message.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);
}
