using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeAccess.Grpc.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAccess.Edge.HubLink;

/// <summary>
/// Creates the edge node's channel to the hub. <c>http://</c> is cleartext HTTP/2 (h2c, a
/// trusted network or a test). <c>https://</c> verifies the hub the way the deployment says:
/// against the deployment's own CA (<see cref="EdgeOptions.HubCaCertificatePath"/>), so a
/// certificate from any other issuer, as a man in the middle would present, fails the connection
/// even if the operating system trusts that issuer; or, when explicitly configured, against the
/// operating system's trust store (<see cref="EdgeOptions.TrustSystemCertificates"/>). Either way
/// the certificate must name the host of the hub address (RFC 6125; an IP address must be an IP
/// SAN).
/// </summary>
public static partial class HubChannelFactory
{
    // id-kp-serverAuth (RFC 5280 §4.2.1.12): the certificate must be meant for a TLS server.
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>Creates the channel to <see cref="EdgeOptions.HubAddress"/> with the configured trust.</summary>
    /// <param name="options">The edge options: hub address, CA path, system trust.</param>
    /// <param name="logger">Where rejected hub certificates are reported (subject, issuer, thumbprint, chain status; nothing secret).</param>
    /// <exception cref="InvalidOperationException">An https address without a trust configuration, or a CA file that cannot be read.</exception>
    public static GrpcChannel Create(EdgeOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(options.HubAddress, options.HubCaCertificatePath, options.TrustSystemCertificates, logger);
    }

    /// <summary>
    /// Creates a channel to <paramref name="address"/> that trusts only the CA certificates in
    /// <paramref name="caCertificatePath"/> (PEM), or, if that is null and
    /// <paramref name="trustSystemCertificates"/> is set, what the operating system trusts. For tests
    /// and command-line tools that talk to a hub the way an edge node does.
    /// </summary>
    /// <param name="address">The hub address, <c>http://</c> (h2c, no TLS) or <c>https://</c>.</param>
    /// <param name="caCertificatePath">The deployment CA (PEM, one or more certificates); wins over <paramref name="trustSystemCertificates"/>.</param>
    /// <param name="trustSystemCertificates">Trust the operating system's roots when no CA path is given.</param>
    /// <param name="logger">Where rejected hub certificates are reported.</param>
    /// <exception cref="InvalidOperationException">An https address without a trust configuration, or a CA file that cannot be read.</exception>
    public static GrpcChannel Create(string address, string? caCertificatePath, bool trustSystemCertificates = false, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var uri = new Uri(address, UriKind.Absolute);
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            // h2c: nothing to verify. GrpcChannel rejects any scheme other than http and https.
            return GrpcChannel.ForAddress(uri);
        }

        if (!string.IsNullOrWhiteSpace(caCertificatePath))
        {
            var authority = LoadCertificateAuthority(caCertificatePath);
            return GrpcChannel.ForAddress(uri, new GrpcChannelOptions { SslOptions = CreateSslOptions(authority, logger) });
        }

        if (trustSystemCertificates)
        {
            // The platform's own validation: chain to a system root, revocation as the platform does it, host name.
            return GrpcChannel.ForAddress(uri);
        }

        throw new InvalidOperationException(
            $"The https hub address '{uri}' needs EdgeAccess:Edge:HubCaCertificatePath (the deployment CA in PEM, e.g. from deploy/local/pki.sh) "
            + "or EdgeAccess:Edge:TrustSystemCertificates=true (a hub with a publicly trusted certificate).");
    }

    /// <summary>Reads the deployment CA: every certificate in a PEM file (keys and other blocks are ignored).</summary>
    /// <param name="path">The PEM file.</param>
    /// <returns>The certificates, at least one.</returns>
    /// <exception cref="InvalidOperationException">The file is missing, unreadable, malformed or holds no certificate; the message names the path.</exception>
    public static X509Certificate2Collection LoadCertificateAuthority(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var authority = new X509Certificate2Collection();
        try
        {
            authority.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"Cannot read the hub CA certificate file '{path}' (EdgeAccess:Edge:HubCaCertificatePath): {ex.Message}", ex);
        }

        if (authority.Count == 0)
        {
            throw new InvalidOperationException($"The hub CA certificate file '{path}' (EdgeAccess:Edge:HubCaCertificatePath) holds no PEM certificate.");
        }

        return authority;
    }

    /// <summary>
    /// TLS client options that accept a server certificate only if it chains to one of
    /// <paramref name="authority"/> (and to nothing else the machine trusts), is meant for TLS
    /// servers, and names the host the channel connects to.
    /// </summary>
    /// <param name="authority">The trust anchors: the deployment CA certificate(s). Kept for the life of the options.</param>
    /// <param name="logger">Where rejected certificates are reported.</param>
    public static SslClientAuthenticationOptions CreateSslOptions(X509Certificate2Collection authority, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var log = logger ?? NullLogger.Instance;
        return new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, platformChain, errors) =>
                Validate(authority, certificate as X509Certificate2, platformChain, errors, log),
        };
    }

    private static bool Validate(X509Certificate2Collection authority, X509Certificate2? certificate, X509Chain? platformChain, SslPolicyErrors errors, ILogger logger)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            LogCertificateRejected(logger, "no certificate presented", "", "", "");
            return false;
        }

        // The platform has already checked the name against the host we connect to (SslStream's
        // TargetHost). Its chain verdict is against the system roots, which we replace below, but a
        // wrong name fails regardless of who signed the certificate.
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            LogCertificateRejected(logger, "the certificate does not name the hub's host", certificate.Subject, certificate.Issuer, certificate.Thumbprint);
            return false;
        }

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        // Only the deployment CA is a root: the operating system's store plays no part.
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(authority);
        // The deployment CA is private and the edge may be offline: it publishes no CRL or OCSP
        // endpoint, and a revocation fetch would only fail or hang. A compromised hub key is handled
        // by replacing the CA (or the hub certificate and its CA) on the nodes.
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.ApplicationPolicy.Add(new Oid(ServerAuthenticationOid));
        if (platformChain is not null)
        {
            // Intermediates the server sent; they still have to chain to the deployment CA.
            policy.ExtraStore.AddRange(platformChain.ChainPolicy.ExtraStore);
        }

        if (chain.Build(certificate))
        {
            return true;
        }

        var reasons = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        LogCertificateRejected(logger, $"not issued by the deployment CA ({reasons})", certificate.Subject, certificate.Issuer, certificate.Thumbprint);
        return false;
    }

    [LoggerMessage(EventId = 2090, EventName = "HubCertificateRejected", Level = LogLevel.Warning,
        Message = "Hub certificate rejected: {Reason}. Subject '{Subject}', issuer '{Issuer}', thumbprint {Thumbprint}.")]
    private static partial void LogCertificateRejected(ILogger logger, string reason, string subject, string issuer, string thumbprint);
}
