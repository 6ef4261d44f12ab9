using System.Net;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Hosting;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Grpc.Web;
using EdgeAccess.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Grpc.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on loopback ports Kestrel picks (port 0): h2c for gRPC and HTTP/1.1 for
/// gRPC-web, serving grpc.testing.TestService (the interop implementation) and the test-only
/// ProbeService. Start one per test class (<see cref="GrpcServerFixture"/>) or per test when the
/// test needs its own options.
/// </summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    /// <summary>The one origin the gRPC-web CORS policy allows.</summary>
    public const string AllowedOrigin = "https://allowed.example";

    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, Uri address, Uri webAddress, ProbeState probe, CapturingLoggerProvider logs)
    {
        _app = app;
        Address = address;
        WebAddress = webAddress;
        Probe = probe;
        Logs = logs;
    }

    /// <summary>The h2c (HTTP/2 prior knowledge) address.</summary>
    public Uri Address { get; }

    /// <summary>The HTTP/1.1 address for gRPC-web.</summary>
    public Uri WebAddress { get; }

    /// <summary>State shared with the ProbeService handlers.</summary>
    public ProbeState Probe { get; }

    /// <summary>Log entries of the server (empty when started with <c>logging: false</c>).</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>Builds and starts a server. <paramref name="logging"/> false leaves the host without any logger provider.</summary>
    public static async Task<GrpcTestServer> StartAsync(
        Action<GrpcServerOptions>? configure = null, ProbeState? probe = null, bool logging = true)
    {
        probe ??= new ProbeState();
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        if (logging)
        {
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        }

        ListenOptions? grpc = null;
        ListenOptions? web = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ApplyGrpcLimits();
            kestrel.Listen(IPAddress.Loopback, 0, listen => (listen.Protocols, grpc) = (HttpProtocols.Http2, listen));
            kestrel.Listen(IPAddress.Loopback, 0, listen => (listen.Protocols, web) = (HttpProtocols.Http1, listen));
        });
        builder.Services.AddSingleton(probe);
        builder.Services.AddEdgeAccessGrpc(configure);
        builder.Services.AddEdgeAccessGrpcWeb(options => options.AllowedOrigins.Add(AllowedOrigin));

        var app = builder.Build();
        app.UseEdgeAccessGrpcWeb();
        app.MapGrpcService<TestServiceImpl>();
        app.MapGrpcService<ProbeServiceImpl>();
        await app.StartAsync().WaitAsync(TestTimeouts.Long);

        // Kestrel writes the bound port back into the ListenOptions.
        return new GrpcTestServer(app, Loopback(grpc!), Loopback(web!), probe, logs);
    }

    /// <summary>A channel of our client to the h2c port; the caller disposes it.</summary>
    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options);

    /// <summary>A raw HttpClient for protocol probes; <paramref name="http2"/> false targets the HTTP/1.1 port.</summary>
    public HttpClient CreateRawClient(bool http2 = true, bool multipleConnections = false) =>
        new(new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = multipleConnections,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
        })
        {
            BaseAddress = http2 ? Address : WebAddress,
            Timeout = TestTimeouts.Long,
        };

    public async ValueTask DisposeAsync()
    {
        // Release held streams so shutdown does not wait for them.
        Probe.Release.TrySetResult();
        await _app.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);
        await _app.DisposeAsync();
    }

    private static Uri Loopback(ListenOptions listen) => new($"http://127.0.0.1:{listen.IPEndPoint!.Port}");
}

/// <summary>One default server shared by the tests of a class.</summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    private GrpcTestServer? _server;

    public GrpcTestServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync() => _server = await GrpcTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
