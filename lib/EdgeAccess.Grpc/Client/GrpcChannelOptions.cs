using System.Net.Security;
using EdgeAccess.Grpc.Protocol;

namespace EdgeAccess.Grpc.Client;

/// <summary>Options of a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted, after decompression (default 4 MiB).</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Idle time after which an HTTP/2 PING checks the connection is alive.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a keepalive PING may go unanswered before the connection is closed.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Open further HTTP/2 connections when one reaches the server's concurrent-stream limit.</summary>
    public bool EnableMultipleHttp2Connections { get; set; } = true;

    /// <summary>TLS settings for <c>https</c> addresses: e.g. a validation callback that trusts only the deployment's CA, or a client certificate.</summary>
    public SslClientAuthenticationOptions? SslOptions { get; set; }

    /// <summary>A handler to send through instead of the channel's own (tests, proxies). The channel does not dispose it.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>The clock for deadlines.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
