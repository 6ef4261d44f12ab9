using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace EdgeAccess.Grpc.Hosting;

/// <summary>
/// Kestrel endpoints for gRPC. Kestrel cannot tell HTTP/1.1 from HTTP/2 on a cleartext port (no
/// ALPN), so each cleartext port carries one protocol: an h2c port (prior knowledge) for gRPC and
/// an HTTP/1.1 port for gRPC-web from browsers. A TLS port negotiates both with ALPN.
/// </summary>
public static class GrpcKestrelExtensions
{
    /// <summary>Concurrent streams one client connection may open (the value gRPC servers commonly use).</summary>
    public const int MaxConcurrentStreams = 100;

    /// <summary>Largest single request header field (16 KiB), e.g. one metadata entry.</summary>
    public const int MaxHeaderFieldSize = 16 * 1024;

    /// <summary>Largest request header block (32 KiB), all metadata of a call together.</summary>
    public const int MaxHeadersTotalSize = 32 * 1024;

    /// <summary>
    /// Sets the limits a gRPC server relies on: streams per connection, header sizes, flow-control
    /// windows and keepalive pings that find dead peers (edge nodes behind NAT drop silently).
    /// Message sizes are limited per message by <c>GrpcServerOptions</c>, not per request body.
    /// </summary>
    public static KestrelServerOptions ApplyGrpcLimits(this KestrelServerOptions options)
    {
        var limits = options.Limits;
        limits.Http2.MaxStreamsPerConnection = MaxConcurrentStreams;
        limits.Http2.MaxRequestHeaderFieldSize = MaxHeaderFieldSize;
        limits.MaxRequestHeadersTotalSize = MaxHeadersTotalSize;
        limits.Http2.InitialConnectionWindowSize = 2 * 1024 * 1024;
        limits.Http2.InitialStreamWindowSize = 1024 * 1024;
        limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
        limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
        options.AddServerHeader = false;
        return options;
    }

    /// <summary>gRPC over h2c (HTTP/2 with prior knowledge) on loopback.</summary>
    public static void ListenLocalhostGrpc(this KestrelServerOptions options, int port) =>
        options.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http2);

    /// <summary>gRPC-web over HTTP/1.1 on loopback.</summary>
    public static void ListenLocalhostGrpcWeb(this KestrelServerOptions options, int port) =>
        options.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http1);

    /// <summary>gRPC over h2c on <paramref name="address"/>.</summary>
    public static void ListenGrpc(this KestrelServerOptions options, IPAddress address, int port) =>
        options.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http2);

    /// <summary>
    /// gRPC over h2c on a Unix domain socket at <paramref name="path"/>. A stale socket file left by
    /// a killed process is removed first (binding would fail on it).
    /// </summary>
    public static void ListenGrpcUnixSocket(this KestrelServerOptions options, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        options.ListenUnixSocket(path, listen => listen.Protocols = HttpProtocols.Http2);
    }

    /// <summary>gRPC-web over HTTP/1.1 on <paramref name="address"/>.</summary>
    public static void ListenGrpcWeb(this KestrelServerOptions options, IPAddress address, int port) =>
        options.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http1);

    /// <summary>
    /// gRPC and gRPC-web over TLS on <paramref name="address"/>: HTTP/2 and HTTP/1.1 chosen by ALPN.
    /// With <paramref name="clientCertificateMode"/> the server can ask for client certificates (mTLS).
    /// </summary>
    public static void ListenGrpcTls(
        this KestrelServerOptions options,
        IPAddress address,
        int port,
        X509Certificate2 certificate,
        ClientCertificateMode clientCertificateMode = ClientCertificateMode.NoCertificate,
        Func<X509Certificate2, X509Chain?, System.Net.Security.SslPolicyErrors, bool>? validateClientCertificate = null) =>
        options.Listen(address, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificate,
                ClientCertificateMode = clientCertificateMode,
                ClientCertificateValidation = validateClientCertificate,
            });
        });
}
