using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Grpc;
using EdgeAccess.Grpc.Client;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.SystemTests.Infrastructure;

/// <summary>
/// A real edge node process (<c>dotnet EdgeAccess.Edge.dll</c>) with its own data folder and
/// loopback ports, dialling the hub through a <see cref="LinkProxy"/>. <see cref="Kill"/> is
/// SIGKILL: no shutdown code runs, as in a power cut.
/// </summary>
public sealed class EdgeProcess : IAsyncDisposable
{
    private readonly string[] _arguments;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public EdgeProcess(string nodeId, int hubPort, string? enrollmentCode, string? dataDirectory = null, params string[] extra)
    {
        NodeId = nodeId;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "edgeaccess-system-tests", Guid.NewGuid().ToString("N"));
        GrpcPort = FreePort();
        _arguments =
        [
            $"--EdgeAccess:Edge:NodeId={nodeId}",
            $"--EdgeAccess:Edge:HubAddress=http://127.0.0.1:{hubPort.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Edge:CardHashKey={HubHost.CardHashKey}",
            $"--EdgeAccess:Edge:DataDirectory={DataDirectory}",
            $"--EdgeAccess:Edge:EnrollmentCode={enrollmentCode ?? ""}",
            "--EdgeAccess:Edge:MaxReconnectDelay=00:00:02",
            "--EdgeAccess:Edge:SyncHeartbeatInterval=00:00:01",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={GrpcPort.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:WebPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
            "--Logging:LogLevel:Default=Information",
            "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
            .. extra,
        ];
        Channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{GrpcPort}"));
        Doors = new AccessPoint.Client(Channel);
    }

    public string NodeId { get; }

    public string DataDirectory { get; }

    public int GrpcPort { get; }

    public GrpcChannel Channel { get; }

    /// <summary>The node's local door API.</summary>
    public AccessPoint.Client Doors { get; }

    /// <summary>What the process printed (stdout and stderr), for assertions and failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public bool HasExited => _process?.HasExited ?? true;

    /// <summary>Starts the process (again, after <see cref="Kill"/> or <see cref="StopAsync"/>).</summary>
    public void Start()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(EdgeDll);
        foreach (var argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        _process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL, then waits until the process is gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM (graceful stop), then waits.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Taps a card at a door.</summary>
    public async Task<CheckResponse> TapAsync(string doorId, string cardNumber, string? pin = null)
    {
        var request = new CheckRequest { DoorId = doorId, CardNumber = cardNumber };
        if (pin is not null)
        {
            request.Pin = pin;
        }

        return await Doors.CheckAsync(request, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync;
    }

    /// <summary>Waits until a tap at the door is decided with <paramref name="expected"/> (e.g. the replica arrived, or a change did).</summary>
    public async Task<CheckResponse> WaitForAsync(string doorId, string cardNumber, DoorDecisionReason expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        CheckResponse? last = null;
        string? error = null;
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"Edge {NodeId} exited ({_process?.ExitCode}).\n{Output}");
            }

            try
            {
                last = await TapAsync(doorId, cardNumber);
                if (last.Reason == expected)
                {
                    return last;
                }
            }
            catch (RpcException ex)
            {
                error = $"{ex.StatusCode}: {ex.Status.Detail}";
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Edge {NodeId}: expected {expected}, last {last?.Reason.ToString() ?? error}.\n{Tail()}");
    }

    /// <summary>Every journal entry still in the node's journal (the process must be stopped or killed).</summary>
    public async Task<IReadOnlyList<JournalEntry>> ReadJournalAsync()
    {
        using var journal = EventJournal.Open(new ReplicaOptions { DataDirectory = DataDirectory });
        return await journal.ReadUnackedAsync(0, 1_000_000);
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int lines = 40) => string.Join('\n', _output.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        Channel.Dispose();
        await Task.Yield();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 5000 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>The edge node's dll in the build output next to this test project's (same configuration).</summary>
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
