using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeAccess.Decisions;
using EdgeAccess.Edge;
using EdgeAccess.Edge.AccessPoint;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAccess.Bench.Edge.Hub;

/// <summary>
/// An edge node (<see cref="EdgeHost"/>) in this process with its own data folder and loopback
/// port, enrolling with a one-time code and syncing with the hub. Every published index is
/// recorded with its position and the <see cref="Stopwatch"/> time it was published.
/// </summary>
internal sealed class InProcessEdge : IAsyncDisposable
{
    private readonly WebApplication _app;

    public InProcessEdge(string nodeId, Uri hub, string enrollmentCode, string dataDirectory, string cardHashKey, LogCapture? capture = null)
    {
        NodeId = nodeId;
        DataDirectory = dataDirectory;
        string[] args =
        [
            $"--EdgeAccess:Edge:NodeId={nodeId}",
            $"--EdgeAccess:Edge:HubAddress={hub}",
            $"--EdgeAccess:Edge:CardHashKey={cardHashKey}",
            $"--EdgeAccess:Edge:DataDirectory={dataDirectory}",
            $"--EdgeAccess:Edge:EnrollmentCode={enrollmentCode}",
            "--EdgeAccess:Edge:MaxReconnectDelay=00:00:02",
            "--EdgeAccess:Endpoints:Address=127.0.0.1",
            $"--EdgeAccess:Endpoints:GrpcPort={BenchHub.FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--Logging:LogLevel:Default={(capture is null ? "Warning" : "Information")}",
            "--Logging:Console:LogToStandardErrorThreshold=Trace",
        ];
        _app = EdgeHost.Build(args, builder =>
        {
            if (capture is not null)
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(capture);
            }
        });
        Loader = _app.Services.GetRequiredService<ReplicaIndexLoader>();
        Loader.IndexPublished += OnPublished;
    }

    public string NodeId { get; }

    public string DataDirectory { get; }

    public ReplicaIndexLoader Loader { get; }

    /// <summary>Every published index: position and Stopwatch timestamp.</summary>
    public ConcurrentQueue<(long Position, long Timestamp)> Published { get; } = new();

    /// <summary>The position of the last published index (0: none yet).</summary>
    public long PublishedPosition => Volatile.Read(ref _publishedPosition);

    private long _publishedPosition;

    public Task StartAsync(CancellationToken cancellationToken) => _app.StartAsync(cancellationToken);

    /// <summary>The first time an index at or after <paramref name="position"/> was published, if it was.</summary>
    public long? PublishedAt(long position)
    {
        foreach (var (p, t) in Published)
        {
            if (p >= position)
            {
                return t;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        Loader.IndexPublished -= OnPublished;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private void OnPublished(object? sender, DecisionIndex index)
    {
        Published.Enqueue((index.Position, Stopwatch.GetTimestamp()));
        Volatile.Write(ref _publishedPosition, index.Position);
    }
}
