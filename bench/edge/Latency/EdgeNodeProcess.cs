using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeAccess.Bench.Edge.Latency;

/// <summary>
/// The edge node as it runs in production: its own process (<c>dotnet exec EdgeAccess.Edge.dll</c>,
/// Release, Server GC), on a data folder, answering the local door API on an h2c loopback port.
/// No hub: it is not enrolled, so it decides on the seeded replica alone.
/// </summary>
internal sealed class EdgeNodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    public EdgeNodeProcess(string edgeDll, string dataDirectory, string cardHashKey)
    {
        GrpcPort = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[
            "exec", edgeDll,
            "--EdgeAccess:Edge:NodeId=bench-latency",
            "--EdgeAccess:Edge:HubAddress=http://127.0.0.1:9",
            $"--EdgeAccess:Edge:CardHashKey={cardHashKey}",
            $"--EdgeAccess:Edge:DataDirectory={dataDirectory}",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={GrpcPort.ToString(CultureInfo.InvariantCulture)}",
            $"--EdgeAccess:Endpoints:WebPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
        ])
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

    public int GrpcPort { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Tail(int lines = 30) => string.Join('\n', _output.TakeLast(lines));

    public IEnumerable<string> Output => _output;

    /// <summary>Resident memory of the process (VmRSS), in MB.</summary>
    public double ResidentMb()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    /// <summary>CPU time used so far (user + system).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>SIGTERM and wait; SIGKILL after 30 s.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            if (!_process.WaitForExit(30_000))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 2000 && _output.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
