using System.Net;
using EdgeAccess.Grpc.Client.Internal;

namespace EdgeAccess.Grpc.Client;

/// <summary>
/// A connection pool to one gRPC server over one shared handler: HTTP/2 with prior knowledge for
/// <c>http://</c> addresses, TLS with ALPN for <c>https://</c>, keepalive pings, and further
/// connections when one runs out of streams. Create one per server and share it; it is thread-safe.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly bool _ownsHandler;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
        var handler = options.HttpHandler;
        _ownsHandler = handler is null;
        handler ??= CreateHandler(options);
        _invoker = new HttpMessageInvoker(handler, disposeHandler: _ownsHandler);
    }

    /// <summary>The server address.</summary>
    public Uri Address { get; }

    /// <summary>The channel's options.</summary>
    public GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker => _invoker;

    /// <summary>Creates a channel to <paramref name="address"/> (e.g. <c>http://127.0.0.1:5000</c>).</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address, UriKind.Absolute), options);

    /// <summary>Creates a channel to <paramref name="address"/>.</summary>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address '{address}' must use http (h2c) or https.", nameof(address));
        }

        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    /// <summary>An invoker whose calls go through this channel.</summary>
    public CallInvoker CreateCallInvoker() => new HttpCallInvoker(this);

    /// <summary>Closes the channel's connections.</summary>
    public void Dispose() => _invoker.Dispose();

    private static SocketsHttpHandler CreateHandler(GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = options.EnableMultipleHttp2Connections,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            // Trace context is written by the gRPC call itself, from its own client span.
            ActivityHeadersPropagator = null,
        };
        if (options.SslOptions is not null)
        {
            handler.SslOptions = options.SslOptions;
        }

        return handler;
    }
}
