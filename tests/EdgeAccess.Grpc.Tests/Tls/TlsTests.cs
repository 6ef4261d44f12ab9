using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Hosting;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Grpc.Web;
using EdgeAccess.Interop;
using EdgeAccess.Interop.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Grpc.Tests.Tls;

/// <summary>
/// gRPC over TLS: HTTP/2 negotiated by ALPN, the server certificate checked against the
/// deployment's own CA (a certificate from any other CA, as a man in the middle would present,
/// fails the call), and gRPC-web over HTTP/1.1 on the same TLS port.
/// </summary>
public sealed class TlsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UnaryCall_ServerCertificateFromDeploymentCa_SucceedsOverHttp2()
    {
        using var certificates = TestCertificates.Create("EdgeAccess Test CA");
        await using var app = await StartAsync(certificates.Server);
        using var channel = CreateChannel(app, certificates);

        var response = await new TestService.Client(channel).UnaryCallAsync(new SimpleRequest { ResponseSize = 10 }).ResponseAsync.WaitAsync(Timeout);

        Assert.Equal(10, response.Payload.Body.Length);
    }

    [Fact]
    public async Task UnaryCall_SubstitutedCertificate_FailsWithUnavailable()
    {
        using var trusted = TestCertificates.Create("EdgeAccess Test CA");
        using var attacker = TestCertificates.Create("Man In The Middle CA");
        await using var app = await StartAsync(attacker.Server);
        using var channel = CreateChannel(app, trusted);

        var failure = await Assert.ThrowsAsync<RpcException>(() =>
            new TestService.Client(channel).EmptyCallAsync(new Empty()).ResponseAsync.WaitAsync(Timeout));

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
    }

    [Fact]
    public async Task GrpcWeb_OverHttp11OnTlsPort_AnswersWithTrailerFrame()
    {
        using var certificates = TestCertificates.Create("EdgeAccess Test CA");
        await using var app = await StartAsync(certificates.Server);
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is X509Certificate2 presented && certificates.ValidateAgainstAuthority(presented),
            },
        };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, Address(app) + "grpc.testing.TestService/EmptyCall")
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new("application/grpc-web+proto");

        using var response = await http.SendAsync(request).WaitAsync(Timeout);
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(Timeout);

        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal("application/grpc-web+proto", response.Content.Headers.ContentType?.MediaType);
        // An empty message frame, then the trailers frame (flag 0x80) with grpc-status: 0.
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0 }, body[..5]);
        Assert.Equal(0x80, body[5]);
        Assert.Contains("grpc-status: 0", System.Text.Encoding.ASCII.GetString(body, 10, body.Length - 10), StringComparison.Ordinal);
    }

    private static GrpcChannel CreateChannel(WebApplication app, TestCertificates trusted) =>
        GrpcChannel.ForAddress(Address(app), new GrpcChannelOptions
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is X509Certificate2 presented && trusted.ValidateAgainstAuthority(presented),
            },
        });

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()
            .Replace("127.0.0.1", "localhost", StringComparison.Ordinal).TrimEnd('/') + "/";

    private static async Task<WebApplication> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ApplyGrpcLimits();
            kestrel.ListenGrpcTls(IPAddress.Loopback, 0, certificate);
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddEdgeAccessGrpc();
        builder.Services.AddEdgeAccessGrpcWeb();
        var app = builder.Build();
        app.UseEdgeAccessGrpcWeb();
        app.MapGrpcService<TestServiceImpl>();
        await app.StartAsync().WaitAsync(Timeout);
        return app;
    }
}
