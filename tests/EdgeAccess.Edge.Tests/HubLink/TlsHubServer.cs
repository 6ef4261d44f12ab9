using System.Net;
using System.Security.Cryptography.X509Certificates;
using EdgeAccess.Edge.Tests.Infrastructure;
using EdgeAccess.Grpc.Hosting;
using EdgeAccess.Grpc.Server;
using EdgeAccess.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Edge.Tests.HubLink;

/// <summary>
/// A stand-in hub on a real loopback socket: Kestrel with the hub's TLS endpoint
/// (<see cref="GrpcKestrelExtensions.ListenGrpcTls"/>) serving <c>ServerInfoService</c>, the call
/// the edge's hub link makes first.
/// </summary>
internal sealed class TlsHubServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsHubServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The TLS port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The https address of the server under <paramref name="host"/> (default <c>127.0.0.1</c>).</summary>
    public string Address(string host = "127.0.0.1") => $"https://{host}:{Port}";

    /// <summary>Starts a server presenting <paramref name="certificate"/> on a free loopback port.</summary>
    public static async Task<TlsHubServer> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ApplyGrpcLimits();
            kestrel.ListenGrpcTls(IPAddress.Loopback, 0, certificate);
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new ProcessIdentity("hub", "hub-tls-test", DateTimeOffset.UnixEpoch));
        builder.Services.AddEdgeAccessGrpc();
        var app = builder.Build();
        app.MapGrpcService<ServerInfoGrpcService>();
        await app.StartAsync().WithTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new TlsHubServer(app, new Uri(address).Port);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WithTimeout();
        await _app.DisposeAsync();
    }
}
