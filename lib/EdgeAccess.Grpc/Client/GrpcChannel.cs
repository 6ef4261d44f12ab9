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

    private GrpcChannel(Uri address, GrpcChannelOptions options, HttpMessageHandler? ownHandler = null)
    {
        Address = address;
        Options = options;
        var handler = ownHandler ?? options.HttpHandler;
        _ownsHandler = ownHandler is not null || handler is null;
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

    /// <summary>
    /// Creates a channel to a server listening on a Unix domain socket (h2c), e.g. an edge node's
    /// local door API: nothing on the network can reach it, and file permissions decide who may.
    /// </summary>
    /// <param name="socketPath">The socket file.</param>
    /// <param name="options">Channel options; <see cref="GrpcChannelOptions.HttpHandler"/> must be unset.</param>
    public static GrpcChannel ForUnixSocket(string socketPath, GrpcChannelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        options ??= new GrpcChannelOptions();
        if (options.HttpHandler is not null)
        {
            throw new ArgumentException("A Unix socket channel makes its own handler; leave HttpHandler unset.", nameof(options));
        }

        var handler = CreateHandler(options);
        var endpoint = new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath);
        handler.ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        // The authority is only a header here; the connection goes to the socket.
        return new GrpcChannel(new Uri("http://localhost"), options, handler);
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
