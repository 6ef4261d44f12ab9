using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeAccess.Edge.Tests.HubLink;

/// <summary>A throwaway certificate authority made in memory, and the server certificates it (or nobody) signs.</summary>
internal sealed class TestAuthority : IDisposable
{
    private TestAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A CA named <paramref name="name"/>, valid from five minutes ago for a day.</summary>
    public static TestAuthority Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=EdgeAccess Tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new TestAuthority(request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1)));
    }

    /// <summary>A TLS server certificate for <paramref name="names"/> (DNS names or IP addresses) signed by this CA.</summary>
    public X509Certificate2 IssueServer(params string[] names) => TestServerCertificates.Create(names, Certificate);

    /// <summary>Writes the CA certificate (no key) as PEM, as an edge node gets it.</summary>
    public string WritePem(string path)
    {
        File.WriteAllText(path, Certificate.ExportCertificatePem() + "\n");
        return path;
    }

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();
}

/// <summary>Server certificates for the TLS tests.</summary>
internal static class TestServerCertificates
{
    /// <summary>The names the real hub certificate carries in the tests.</summary>
    public static readonly string[] HubNames = ["localhost", "127.0.0.1"];

    /// <summary>
    /// A TLS server certificate with subject <c>CN=names[0]</c> and every name as a SAN, signed by
    /// <paramref name="issuer"/>, or self-signed when it is null.
    /// </summary>
    public static X509Certificate2 Create(string[] names, X509Certificate2? issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}, O=EdgeAccess Tests", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        X509Certificate2 withKey;
        if (issuer is null)
        {
            withKey = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        }
        else
        {
            using var signed = request.Create(issuer, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
            withKey = signed.CopyWithPrivateKey(key);
        }

        // Kestrel wants the key in a reloadable form, as a certificate file would give it.
        using (withKey)
        {
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
    }
}
