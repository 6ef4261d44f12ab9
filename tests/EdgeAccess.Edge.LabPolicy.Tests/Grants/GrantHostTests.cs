using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeAccess.Edge.LabPolicy.Grants;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static EdgeAccess.Edge.LabPolicy.Tests.Grants.GrantTestKit;

namespace EdgeAccess.Edge.LabPolicy.Tests.Grants;

/// <summary>The grant worker in the real edge node: configuration, replica records, journal.</summary>
public sealed class GrantHostTests : IDisposable
{
    private const string Ada = "a0000000-0000-4000-8000-000000000001";
    private const string SiteId = "5e5e5e5e-0000-4000-8000-000000000001";

    private readonly GrantTestKit _kit = new();

    [Fact]
    public async Task Node_WithGrantCommands_GrantsTheBookedAccountFromItsReplica()
    {
        var data = Path.Combine(_kit.Folder, "node");
        var resource = Resource(node: "lab-host-test");
        resource.LabPolicy.Mode = LabPolicyMode.Off; // programs unwatched; grants still follow bookings
        await SeedAsync(data, resource, Booking(Ada, T0.AddMinutes(-5), TimeSpan.FromHours(1)), Account("ada", 1001, Ada, node: "lab-host-test"));
        var app = Build(data, [$"--EdgeAccess:LabPolicy:Grants:ListCommand:0={_kit.ScriptPath}", "--EdgeAccess:LabPolicy:Grants:ListCommand:1=list",
            "--EdgeAccess:LabPolicy:Grants:ListCommand:2={group}"]);
        try
        {
            await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var deadline = TimeProvider.System.GetTimestamp();
            while (_kit.Calls().Count == 0 && TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }

            Assert.Equal(["grant", "ada", GrantTestKit.Group, "1001", ResourceId], Assert.Single(_kit.Calls()));
            Assert.NotEmpty(_kit.ListCalls());
            Assert.IsType<GrantReconciler>(app.Services.GetRequiredService<IMaintenanceState>());
        }
        finally
        {
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
        }

        using var journal = EventJournal.Open(new ReplicaOptions { DataDirectory = data });
        var entry = Assert.Single(await journal.ReadUnackedAsync(0, 1000).WaitAsync(TimeSpan.FromSeconds(30)), e => e.Kind == GrantReconciler.GrantKind);
        Assert.True(LabCommandEvent.Parser.ParseFrom(entry.Payload).Succeeded);
        Assert.Equal(["ada"], GrantState.Load(Path.Combine(data, GrantState.FileName)).Grants.Select(g => g.User));
    }

    [Fact]
    public async Task Node_GrantCommandNotAbsolute_FailsAtStart()
    {
        var app = Build(Path.Combine(_kit.Folder, "node"), ["--EdgeAccess:LabPolicy:Grants:GrantCommand:0=gpasswd"]);
        try
        {
            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("absolute path", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    public void Dispose() => _kit.Dispose();

    private WebApplication Build(string data, string[] extra)
    {
        string[] args =
        [
            "--EdgeAccess:Edge:NodeId=lab-host-test",
            $"--EdgeAccess:Edge:HubAddress=http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Edge:CardHashKey={Convert.ToBase64String(new byte[32])}",
            $"--EdgeAccess:Edge:DataDirectory={data}",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:WebPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
            "--EdgeAccess:LabPolicy:Accounts:Report=false",
            $"--EdgeAccess:LabPolicy:Grants:GrantCommand:0={_kit.ScriptPath}",
            "--EdgeAccess:LabPolicy:Grants:GrantCommand:1=grant",
            "--EdgeAccess:LabPolicy:Grants:GrantCommand:2={user}",
            "--EdgeAccess:LabPolicy:Grants:GrantCommand:3={group}",
            "--EdgeAccess:LabPolicy:Grants:GrantCommand:4={uid}",
            "--EdgeAccess:LabPolicy:Grants:GrantCommand:5={resource}",
            $"--EdgeAccess:LabPolicy:Grants:RevokeCommand:0={_kit.ScriptPath}",
            "--EdgeAccess:LabPolicy:Grants:RevokeCommand:1=revoke",
            "--EdgeAccess:LabPolicy:Grants:RevokeCommand:2={user}",
            "--EdgeAccess:LabPolicy:Grants:RevokeCommand:3={group}",
            .. extra,
        ];
        return EdgeHost.Build(args, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(_kit.Clock);
            builder.Logging.ClearProviders();
        });
    }

    private static async Task SeedAsync(string data, ResourceRecord resource, BookingRecord booking, NodeAccountRecord account)
    {
        ReplicaRecord[] records =
        [
            new(RecordKind.Site, SiteId, "", new SiteRecord { Id = SiteId, Name = "Lab", TimeZone = "Europe/Berlin" }.ToByteArray()),
            new(RecordKind.Resource, resource.Id, "", resource.ToByteArray()),
            new(RecordKind.Booking, booking.Id, "", booking.ToByteArray()),
            new(RecordKind.NodeAccount, account.Id, "", account.ToByteArray()),
        ];
        using var store = ReplicaStore.Open(new ReplicaOptions { DataDirectory = data }, TimeProvider.System);
        await store.ApplySnapshotAsync(Once(records), 10, SiteId).WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async IAsyncEnumerable<IReadOnlyList<ReplicaRecord>> Once(IReadOnlyList<ReplicaRecord> records)
    {
        await Task.Yield();
        yield return records;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
