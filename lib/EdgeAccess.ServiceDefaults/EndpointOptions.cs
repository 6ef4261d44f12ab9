using System.ComponentModel.DataAnnotations;

namespace EdgeAccess.ServiceDefaults;

/// <summary>
/// Where a process listens, bound from the <c>EdgeAccess:Endpoints</c> configuration section.
/// Kestrel cannot serve HTTP/1.1 and cleartext HTTP/2 on one port, so native gRPC (h2c) and
/// browser gRPC-web (HTTP/1.1) each get a port; a TLS port serves both through ALPN.
/// </summary>
public sealed class EndpointOptions
{
    /// <summary>The address to bind, e.g. <c>127.0.0.1</c>, <c>0.0.0.0</c> or <c>::</c>.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Port for gRPC over h2c (HTTP/2 prior knowledge).</summary>
    [Range(1, 65535)]
    public int GrpcPort { get; set; } = 5100;

    /// <summary>Port for gRPC-web over HTTP/1.1 and the health endpoints; null to disable.</summary>
    [Range(1, 65535)]
    public int? WebPort { get; set; }

    /// <summary>
    /// Also serve gRPC (h2c) on this Unix domain socket, e.g. an edge node's door API for local
    /// door controllers; null to disable.
    /// </summary>
    public string? UnixSocketPath { get; set; }

    /// <summary>Port for gRPC and gRPC-web over TLS; needs <see cref="CertificatePath"/>; null to disable.</summary>
    [Range(1, 65535)]
    public int? TlsPort { get; set; }

    /// <summary>PKCS#12 (.pfx) or PEM certificate file with its key, for the TLS port.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/>, if any. Comes from a secret store, never from a committed file.</summary>
    public string? CertificatePassword { get; set; }
}
