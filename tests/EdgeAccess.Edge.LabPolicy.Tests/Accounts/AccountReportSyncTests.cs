using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using EdgeAccess.Edge.HubLink;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Hosting;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Edge.LabPolicy.Tests.Accounts;

/// <summary>
/// The real edge node (EdgeHost, real sockets) against a stand-in hub that serves the sync stream
/// and records what the node says: the node's accounts follow its hello, and a change of the
/// passwd file is sent on the open stream.
/// </summary>
public sealed class AccountReportSyncTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "edgeaccess-account-sync", Guid.NewGuid().ToString("N"));
    private readonly Channel<EdgeMessage> _received = Channel.CreateUnbounded<EdgeMessage>();
    private WebApplication? _hub;
    private WebApplication? _node;

    [Fact]
    public async Task SyncStream_AfterHelloAndOnChange_CarriesTheNodesAccounts()
    {
        var passwd = Path.Combine(_folder, "passwd");
        File.WriteAllText(passwd, "root:x:0:0:root:/root:/bin/bash\nada:x:1001:1001:Ada Lovelace,,,:/home/ada:/bin/bash\n");
        await StartNodeAsync(passwd);

        var hello = await NextAsync();
        Assert.Equal(EdgeMessage.MessageOneofCase.Hello, hello.MessageCase);
        Assert.Equal("lab-sync-test", hello.Hello.NodeId);
        var first = await NextAsync(EdgeMessage.MessageOneofCase.Accounts);
        Assert.Equal([(0L, "root", "root"), (1001L, "ada", "Ada Lovelace")], first.Accounts.Accounts.Select(a => (a.Uid, a.Name, a.FullName)));

        File.WriteAllText(passwd + ".new", "root:x:0:0:root:/root:/bin/bash\nada:x:1001:1001:Ada Lovelace:/home/ada:/bin/bash\nben:x:1002:1002:Ben Carter:/home/ben:/bin/sh\n");
        File.Move(passwd + ".new", passwd, overwrite: true);
        var changed = await NextAsync(EdgeMessage.MessageOneofCase.Accounts);

        Assert.Equal(["root", "ada", "ben"], changed.Accounts.Accounts.Select(a => a.Name));
    }

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return StartHubAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { _node, _hub })
        {
            if (app is not null)
            {
                await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
                await app.DisposeAsync();
            }
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private int HubPort { get; set; }

    private async Task StartHubAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ApplyGrpcLimits();
            kestrel.ListenGrpc(IPAddress.Loopback, 0);
        });
        builder.Services.AddSingleton(_received);
        builder.Services.AddEdgeAccessGrpc();
        _hub = builder.Build();
        _hub.MapGrpcService<RecordingHub>();
        await _hub.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = _hub.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        HubPort = new Uri(address).Port;
    }

    private async Task StartNodeAsync(string passwd)
    {
        var data = Path.Combine(_folder, "data");
        // Enrolled already: the node opens its sync stream with this credential at once.
        new NodeCredential("lab-sync-test", Guid.NewGuid().ToString(), "node.test.secret", TimeProvider.System.GetUtcNow()).Save(data);
        string[] args =
        [
            "--EdgeAccess:Edge:NodeId=lab-sync-test",
            $"--EdgeAccess:Edge:HubAddress=http://127.0.0.1:{HubPort.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Edge:CardHashKey={Convert.ToBase64String(new byte[32])}",
            $"--EdgeAccess:Edge:DataDirectory={data}",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:WebPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:LabPolicy:Accounts:PasswdPath={passwd}",
            "--EdgeAccess:LabPolicy:Accounts:PollInterval=00:00:01",
        ];
        _node = EdgeHost.Build(args, builder => builder.Logging.ClearProviders());
        await _node.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    private async Task<EdgeMessage> NextAsync(EdgeMessage.MessageOneofCase? wanted = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var message = await _received.Reader.ReadAsync(timeout.Token);
            if (wanted is null || message.MessageCase == wanted)
            {
                return message;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The stand-in hub: records every message of the node and keeps the stream open.</summary>
    private sealed class RecordingHub(Channel<EdgeMessage> received) : EdgeSync.ServiceBase
    {
        public override async Task Sync(IAsyncStreamReader<EdgeMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
        {
            try
            {
                while (await requestStream.MoveNext(context.CancellationToken))
                {
                    await received.Writer.WriteAsync(requestStream.Current, context.CancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                // The node went away.
            }
        }
    }
}
