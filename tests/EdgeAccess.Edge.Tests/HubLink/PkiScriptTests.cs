using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using EdgeAccess.Edge.HubLink;
using EdgeAccess.Edge.Tests.Infrastructure;
using EdgeAccess.Grpc;
using EdgeAccess.Protos.V1;
using EdgeAccess.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Edge.Tests.HubLink;

/// <summary>
/// <c>deploy/local/pki.sh</c> end to end: its hub.pem loads through the hub's own TLS endpoint
/// configuration (<c>EdgeAccess:Endpoints:CertificatePath</c>), and an edge channel trusting its
/// ca.pem reaches that hub; a second deployment's CA does not.
/// </summary>
[UnsupportedOSPlatform("windows")] // a bash script and Unix file modes
public sealed class PkiScriptTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgeaccess-pki-").FullName;

    [Fact]
    public async Task PkiScript_HubCertificateServedByServiceDefaults_EdgeTrustingItsCaConnects()
    {
        var pki = Path.Combine(_directory, "pki");
        await RunPkiAsync(pki, "127.0.0.1", "localhost");
        var tlsPort = FreePort();
        await using var hub = await StartHubAsync(Path.Combine(pki, "hub.pem"), tlsPort);

        foreach (var host in new[] { "127.0.0.1", "localhost" })
        {
            using var channel = HubChannelFactory.Create($"https://{host}:{tlsPort.ToString(CultureInfo.InvariantCulture)}", Path.Combine(pki, "ca.pem"));
            var info = await new ServerInfoService.Client(channel).GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync.WithTimeout();
            Assert.Equal("hub-pki-test", info.NodeId);
        }

        // Another deployment's CA (pki.sh run elsewhere) must not vouch for this hub.
        var otherPki = Path.Combine(_directory, "other");
        await RunPkiAsync(otherPki, "127.0.0.1");
        using var stranger = HubChannelFactory.Create($"https://127.0.0.1:{tlsPort.ToString(CultureInfo.InvariantCulture)}", Path.Combine(otherPki, "ca.pem"));
        var failure = await Assert.ThrowsAsync<RpcException>(() =>
            new ServerInfoService.Client(stranger).GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync.WithTimeout());
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
    }

    [Fact]
    public async Task PkiScript_RunTwice_KeepsCaAndHubCertificateWithPrivateKeyFiles()
    {
        var pki = Path.Combine(_directory, "pki");
        var firstOutput = await RunPkiAsync(pki, "127.0.0.1", "localhost");
        var ca = await File.ReadAllTextAsync(Path.Combine(pki, "ca.pem"));
        var hub = await File.ReadAllTextAsync(Path.Combine(pki, "hub.pem"));

        var secondOutput = await RunPkiAsync(pki, "127.0.0.1", "localhost");

        Assert.Equal(ca, await File.ReadAllTextAsync(Path.Combine(pki, "ca.pem")));
        Assert.Equal(hub, await File.ReadAllTextAsync(Path.Combine(pki, "hub.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(pki, "ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(pki, "hub.pem")));
        // Keys are never printed.
        Assert.DoesNotContain("PRIVATE KEY", firstOutput + secondOutput, StringComparison.Ordinal);

        // A new name the certificate lacks: issued again, same CA.
        await RunPkiAsync(pki, "127.0.0.1", "localhost", "hub.example.org");
        Assert.Equal(ca, await File.ReadAllTextAsync(Path.Combine(pki, "ca.pem")));
        Assert.NotEqual(hub, await File.ReadAllTextAsync(Path.Combine(pki, "hub.pem")));
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<WebApplication> StartHubAsync(string certificatePath, int tlsPort)
    {
        string[] args =
        [
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:TlsPort={tlsPort.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:CertificatePath={certificatePath}",
        ];
        var builder = WebApplication.CreateBuilder(args);
        builder.AddEdgeAccessServiceDefaults("hub", "hub-pki-test", "edgeaccess-hub-pki-test");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapEdgeAccessServiceDefaults();
        await app.StartAsync().WithTimeout();
        return app;
    }

    /// <summary>Runs pki.sh and returns everything it wrote (stdout and stderr).</summary>
    private static async Task<string> RunPkiAsync(string directory, params string[] names)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "deploy", "local", "pki.sh"));
        start.ArgumentList.Add(directory);
        foreach (var name in names)
        {
            start.ArgumentList.Add(name);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Generous: the first run on a fresh machine may install openssl with apt.
        await process.WaitForExitAsync().WithTimeout(TimeSpan.FromMinutes(5));
        var output = await stdout.WithTimeout() + await stderr.WithTimeout();
        Assert.True(process.ExitCode == 0, $"pki.sh exited with {process.ExitCode}: {output}");
        return output;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EdgeAccess.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No EdgeAccess.sln above {AppContext.BaseDirectory}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
