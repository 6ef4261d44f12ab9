using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeAccess.Cloud.Tests.Infrastructure;

namespace EdgeAccess.Cli.Tests.Infrastructure;

/// <summary>
/// A real edge node process (<c>dotnet EdgeAccess.Edge.dll</c>, built next to this test project)
/// enrolled at the <see cref="CliHub"/> with an enrollment code, on free loopback ports and a
/// temporary data folder, for <c>edgeaccess tap</c> to talk to.
/// </summary>
public sealed class EdgeNode : IDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    public EdgeNode(CliHub hub, string nodeId, string enrollmentCode)
    {
        GrpcPort = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] arguments =
        [
            "exec", EdgeDll,
            $"--EdgeAccess:Edge:NodeId={nodeId}",
            $"--EdgeAccess:Edge:HubAddress={hub.Address}",
            $"--EdgeAccess:Edge:CardHashKey={HubHost.CardHashKey}",
            $"--EdgeAccess:Edge:DataDirectory={DataDirectory}",
            "--EdgeAccess:Edge:MaxReconnectDelay=00:00:02",
            "--EdgeAccess:Edge:SyncHeartbeatInterval=00:00:01",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={GrpcPort.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:WebPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The code goes through the environment, as deploy/local/up.sh passes it.
        info.Environment["EdgeAccess__Edge__EnrollmentCode"] = enrollmentCode;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        _process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "edgeaccess-cli-tests", Guid.NewGuid().ToString("N"));

    public int GrpcPort { get; }

    /// <summary>The address <c>tap --edge</c> takes.</summary>
    public string Address => $"http://127.0.0.1:{GrpcPort.ToString(CultureInfo.InvariantCulture)}";

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the node printed, for failure messages.</summary>
    public string Tail(int lines = 40) => string.Join('\n', _output.TakeLast(lines));

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
            while (_output.Count > 2000 && _output.TryDequeue(out _))
            {
            }
        }
    }

    private static string EdgeDll
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = testBin.Parent!.Name; // bin/<Configuration>/net10.0
            var root = testBin;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "EdgeAccess.sln")))
            {
                root = root.Parent;
            }

            var dll = Path.Combine(root?.FullName ?? throw new DirectoryNotFoundException("EdgeAccess.sln not found above " + testBin),
                "edge", "EdgeAccess.Edge", "bin", configuration, testBin.Name, "EdgeAccess.Edge.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the edge node first.", dll);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
