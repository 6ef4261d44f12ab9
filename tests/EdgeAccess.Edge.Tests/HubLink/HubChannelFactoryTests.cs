using System.Globalization;
using System.Security.Authentication;
using EdgeAccess.Edge.HubLink;
using EdgeAccess.Edge.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Edge.Tests.HubLink;

/// <summary>
/// The edge's link to an https hub over real TLS on loopback: the hub certificate must chain to the
/// deployment CA and name the host dialled; a substituted certificate (a man in the middle) fails
/// the call, whoever signed it.
/// </summary>
public sealed class HubChannelFactoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgeaccess-hub-tls-").FullName;
    private readonly CapturingLoggerProvider _logs = new();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Create_HubCertificateFromDeploymentCa_CallSucceeds(string host)
    {
        using var ca = TestAuthority.Create("Deployment CA");
        using var certificate = ca.IssueServer(TestServerCertificates.HubNames);
        await using var hub = await TlsHubServer.StartAsync(certificate);
        using var channel = HubChannelFactory.Create(Options(hub.Address(host), ca.WritePem(Path.Combine(_directory, "ca.pem"))));

        var info = await new ServerInfoService.Client(channel).GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync.WithTimeout();

        Assert.Equal("hub-tls-test", info.NodeId);
    }

    [Fact]
    public async Task Create_CaFileWithSeveralCertificates_TrustsEach()
    {
        using var other = TestAuthority.Create("Previous deployment CA");
        using var ca = TestAuthority.Create("Deployment CA");
        using var certificate = ca.IssueServer(TestServerCertificates.HubNames);
        await using var hub = await TlsHubServer.StartAsync(certificate);
        var path = Path.Combine(_directory, "bundle.pem");
        File.WriteAllText(path, other.Certificate.ExportCertificatePem() + "\n" + ca.Certificate.ExportCertificatePem() + "\n");
        using var channel = HubChannelFactory.Create(hub.Address(), path);

        var info = await new ServerInfoService.Client(channel).GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync.WithTimeout();

        Assert.Equal("hub-tls-test", info.NodeId);
    }

    [Fact]
    public async Task Create_SubstitutedCertificateFromOtherCa_FailsWithUnavailable()
    {
        using var ca = TestAuthority.Create("Deployment CA");
        using var attacker = TestAuthority.Create("Deployment CA"); // same name, different key
        using var substitute = attacker.IssueServer(TestServerCertificates.HubNames);
        await using var hub = await TlsHubServer.StartAsync(substitute);

        var failure = await CallAsync(hub.Address(), ca);

        AssertCertificateRejected(failure, "not issued by the deployment CA", substitute.Thumbprint);
    }

    [Fact]
    public async Task Create_DeploymentCaCertificateForOtherHost_FailsWithUnavailable()
    {
        using var ca = TestAuthority.Create("Deployment CA");
        using var certificate = ca.IssueServer("other.example");
        await using var hub = await TlsHubServer.StartAsync(certificate);

        var failure = await CallAsync(hub.Address(), ca);

        AssertCertificateRejected(failure, "does not name the hub's host", certificate.Thumbprint);
    }

    [Fact]
    public async Task Create_SelfSignedCertificateWithHubsNames_FailsWithUnavailable()
    {
        using var ca = TestAuthority.Create("Deployment CA");
        using var selfSigned = TestServerCertificates.Create(TestServerCertificates.HubNames, issuer: null);
        await using var hub = await TlsHubServer.StartAsync(selfSigned);

        var failure = await CallAsync(hub.Address(), ca);

        AssertCertificateRejected(failure, "not issued by the deployment CA", selfSigned.Thumbprint);
    }

    [Fact]
    public async Task Create_TrustSystemCertificatesWithDeploymentCaCertificate_FailsWithUnavailable()
    {
        // The deployment CA is in no system store: without HubCaCertificatePath the hub is not trusted.
        using var ca = TestAuthority.Create("Deployment CA");
        using var certificate = ca.IssueServer(TestServerCertificates.HubNames);
        await using var hub = await TlsHubServer.StartAsync(certificate);
        using var channel = HubChannelFactory.Create(hub.Address(), caCertificatePath: null, trustSystemCertificates: true);

        var failure = await Assert.ThrowsAsync<RpcException>(() =>
            new ServerInfoService.Client(channel).GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync.WithTimeout());

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Contains(Chain(failure), e => e is AuthenticationException);
    }

    [Fact]
    public void Create_HttpsWithoutCaOrSystemTrust_ThrowsNamingTheSetting()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => HubChannelFactory.Create(Options("https://hub.example.org", caPath: null)));

        Assert.Contains("EdgeAccess:Edge:HubCaCertificatePath", failure.Message, StringComparison.Ordinal);
        Assert.Contains("TrustSystemCertificates", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MissingCaFile_ThrowsNamingThePath()
    {
        var path = Path.Combine(_directory, "no-such-ca.pem");

        var failure = Assert.Throws<InvalidOperationException>(() => HubChannelFactory.Create(Options("https://hub.example.org", path)));

        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(failure.InnerException);
    }

    [Fact]
    public void Create_CaFileWithoutCertificate_ThrowsNamingThePath()
    {
        var path = Path.Combine(_directory, "ca.key");
        File.WriteAllText(path, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        var failure = Assert.Throws<InvalidOperationException>(() => HubChannelFactory.Create(Options("https://hub.example.org", path)));

        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
        Assert.Contains("no PEM certificate", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAA", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_HttpAddress_CleartextChannelWithoutTls()
    {
        using var channel = HubChannelFactory.Create(Options("http://127.0.0.1:5100", caPath: null));

        Assert.Equal(Uri.UriSchemeHttp, channel.Address.Scheme);
        Assert.Null(channel.Options.SslOptions);
    }

    [Fact]
    public async Task EdgeHost_HttpsHubWithoutCa_FailsAtStart()
    {
        string[] args =
        [
            "--EdgeAccess:Edge:NodeId=edge-test",
            "--EdgeAccess:Edge:HubAddress=https://127.0.0.1:1",
            $"--EdgeAccess:Edge:CardHashKey={TestSite.CardHashKey}",
            $"--EdgeAccess:Edge:DataDirectory={Path.Combine(_directory, "data")}",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
        ];
        await using var app = EdgeHost.Build(args, builder => builder.Logging.ClearProviders());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync().WithTimeout(TimeSpan.FromSeconds(60)));

        Assert.Contains("EdgeAccess:Edge:HubCaCertificatePath", failure.Message, StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _logs.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static EdgeOptions Options(string hubAddress, string? caPath) =>
        new() { NodeId = "edge-test", HubAddress = hubAddress, HubCaCertificatePath = caPath };

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<RpcException> CallAsync(string address, TestAuthority trusted)
    {
        var logger = _logs.CreateLogger(typeof(HubChannelFactory).FullName!);
        using var channel = HubChannelFactory.Create(Options(address, trusted.WritePem(Path.Combine(_directory, "ca.pem"))), logger);
        return await Assert.ThrowsAsync<RpcException>(() =>
            new ServerInfoService.Client(channel).GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync.WithTimeout());
    }

    private void AssertCertificateRejected(RpcException failure, string reason, string thumbprint)
    {
        // A TLS handshake failure is a transport failure: UNAVAILABLE, so the link retries with backoff.
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        var authentication = Assert.IsType<AuthenticationException>(Chain(failure).Single(e => e is AuthenticationException));
        Assert.Contains("certificate", authentication.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(_logs.Lines, line =>
            line.Contains("[2090]", StringComparison.Ordinal)
            && line.Contains(reason, StringComparison.Ordinal)
            && line.Contains(thumbprint, StringComparison.Ordinal));
    }
}
