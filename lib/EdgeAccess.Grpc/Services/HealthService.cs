using System.Threading.Channels;
using EdgeAccess.Grpc.Health.V1;
using EdgeAccess.Grpc.Server;
using Microsoft.Extensions.Logging;
using HealthServiceBase = EdgeAccess.Grpc.Health.V1.Health.ServiceBase;
using ServingStatus = EdgeAccess.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace EdgeAccess.Grpc.Services;

/// <summary>
/// The gRPC health checking protocol, <c>grpc.health.v1.Health</c> (grpc/doc/health-checking.md),
/// over a thread-safe table of serving statuses by service name; <c>""</c> is the server as a whole.
/// </summary>
/// <remarks>
/// <para>The server (<c>""</c>) and every service mapped on it (<see cref="GrpcServiceRegistry"/>)
/// start SERVING; <see cref="SetStatus"/> and <see cref="ClearStatus"/> change that, and any other
/// name becomes known through <see cref="SetStatus"/>.</para>
/// <para><c>Check</c> answers the status of a known service and fails with NOT_FOUND for any other.
/// <c>Watch</c> sends the current status at once (SERVICE_UNKNOWN for an unknown service, without
/// ending the call), then each change, until the client cancels or the server shuts down. Each
/// watcher holds at most one pending status: a watcher that reads slowly skips to the latest.</para>
/// <para><see cref="Shutdown"/> (called when the host stops, see
/// <see cref="GrpcHealthServiceExtensions.AddEdgeAccessGrpcHealth"/>) sets every status to
/// NOT_SERVING, ignores later changes and ends the Watch calls once they have sent it.</para>
/// <para>Registered as a singleton: the table is the service's state.</para>
/// </remarks>
public sealed class HealthService : HealthServiceBase
{
    private static readonly BoundedChannelOptions WatcherOptions = new(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    };

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    // Mapped services whose initial SERVING has been applied (or that were set explicitly first).
    private readonly HashSet<string> _seeded = new(StringComparer.Ordinal);
    private readonly GrpcServiceRegistry _registry;
    private readonly ILogger<HealthService> _logger;
    private bool _shutdown;

    /// <summary>Creates the service over the services mapped in <paramref name="registry"/>.</summary>
    public HealthService(GrpcServiceRegistry registry, ILogger<HealthService> logger)
    {
        _registry = registry;
        _logger = logger;
        _entries[string.Empty] = new Entry { Status = ServingStatus.Serving };
    }

    /// <summary>True once <see cref="Shutdown"/> has run: statuses no longer change.</summary>
    public bool IsShutdown
    {
        get
        {
            lock (_lock)
            {
                return _shutdown;
            }
        }
    }

    /// <summary>The number of Watch calls in progress (for tests and diagnostics).</summary>
    internal int WatcherCount
    {
        get
        {
            lock (_lock)
            {
                return _entries.Values.Sum(e => e.Watchers.Count);
            }
        }
    }

    /// <summary>
    /// Sets the serving status of <paramref name="service"/> (a fully qualified service name, or
    /// <c>""</c> for the server) and tells its watchers. Ignored after <see cref="Shutdown"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is SERVICE_UNKNOWN (use <see cref="ClearStatus"/>) or undefined.</exception>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (status is not (ServingStatus.Unknown or ServingStatus.Serving or ServingStatus.NotServing))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A service's status is UNKNOWN, SERVING or NOT_SERVING; use ClearStatus to make it unknown.");
        }

        lock (_lock)
        {
            if (_shutdown)
            {
                HealthServiceLog.StatusIgnoredAfterShutdown(_logger, service, status);
                return;
            }

            _seeded.Add(service);
            Update(service, status);
        }
    }

    /// <summary>
    /// Forgets <paramref name="service"/>: <c>Check</c> answers NOT_FOUND for it and its watchers
    /// get SERVICE_UNKNOWN. Ignored after <see cref="Shutdown"/>.
    /// </summary>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_shutdown)
            {
                return;
            }

            _seeded.Add(service);
            Update(service, null);
        }
    }

    /// <summary>The status of <paramref name="service"/>, or null when it is unknown.</summary>
    public ServingStatus? GetStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            Seed(service);
            return _entries.TryGetValue(service, out var entry) ? entry.Status : null;
        }
    }

    /// <summary>Sets the status of the server and of every known service (e.g. NOT_SERVING while draining). Ignored after <see cref="Shutdown"/>.</summary>
    public void SetAllStatus(ServingStatus status)
    {
        if (status is not (ServingStatus.Unknown or ServingStatus.Serving or ServingStatus.NotServing))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A service's status is UNKNOWN, SERVING or NOT_SERVING.");
        }

        lock (_lock)
        {
            if (!_shutdown)
            {
                SetAllLocked(status);
            }
        }
    }

    /// <summary>
    /// Sets every known status to NOT_SERVING, ignores later changes, and ends every Watch call
    /// once it has sent NOT_SERVING (Watch calls that start later end after their first message).
    /// Idempotent.
    /// </summary>
    public void Shutdown()
    {
        List<Channel<ServingStatus>> watchers = [];
        lock (_lock)
        {
            if (_shutdown)
            {
                return;
            }

            SetAllLocked(ServingStatus.NotServing);
            _shutdown = true;
            foreach (var entry in _entries.Values)
            {
                watchers.AddRange(entry.Watchers);
            }
        }

        // Completing keeps what is buffered: each watcher still sends the status it holds.
        foreach (var watcher in watchers)
        {
            watcher.Writer.TryComplete();
        }

        HealthServiceLog.ShutDown(_logger, watchers.Count);
    }

    /// <inheritdoc />
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        if (GetStatus(request.Service) is { } status)
        {
            return Task.FromResult(new HealthCheckResponse { Status = status });
        }

        throw new RpcException(new Status(StatusCode.NotFound, $"Service '{request.Service}' is unknown."));
    }

    /// <inheritdoc />
    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var service = request.Service;
        var watcher = Channel.CreateBounded<ServingStatus>(WatcherOptions);
        Subscribe(service, watcher);
        var cancellationToken = context.CancellationToken;
        try
        {
            ServingStatus? sent = null;
            while (await watcher.Reader.WaitToReadAsync(cancellationToken))
            {
                while (watcher.Reader.TryRead(out var status))
                {
                    // A change that was overtaken by its reversal before this watcher sent it is not news.
                    if (status != sent)
                    {
                        await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, cancellationToken);
                        sent = status;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client cancelled (or the deadline passed): the call is over, nothing failed here.
        }
        finally
        {
            Unsubscribe(service, watcher);
        }
    }

    private void Subscribe(string service, Channel<ServingStatus> watcher)
    {
        lock (_lock)
        {
            Seed(service);
            if (!_entries.TryGetValue(service, out var entry))
            {
                entry = new Entry();
                _entries[service] = entry;
            }

            watcher.Writer.TryWrite(entry.Status ?? ServingStatus.ServiceUnknown);
            if (_shutdown)
            {
                watcher.Writer.TryComplete();
            }
            else
            {
                entry.Watchers.Add(watcher);
            }
        }
    }

    private void Unsubscribe(string service, Channel<ServingStatus> watcher)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(service, out var entry))
            {
                entry.Watchers.Remove(watcher);
                RemoveIfUnused(service, entry);
            }
        }
    }

    // Caller holds _lock. A mapped service not seen before starts SERVING (NOT_SERVING once shut down).
    private void Seed(string service)
    {
        if (!_seeded.Contains(service) && _registry.Contains(service))
        {
            _seeded.Add(service);
            if (!_entries.TryGetValue(service, out var entry))
            {
                entry = new Entry();
                _entries[service] = entry;
            }

            if (entry.Status is null)
            {
                entry.Status = _shutdown ? ServingStatus.NotServing : ServingStatus.Serving;
                Notify(entry, entry.Status.Value);
            }
        }
    }

    // Caller holds _lock.
    private void SetAllLocked(ServingStatus status)
    {
        foreach (var mapped in _registry.Services)
        {
            Seed(mapped.FullName);
        }

        foreach (var (service, entry) in _entries)
        {
            if (entry.Status is not null && entry.Status != status)
            {
                entry.Status = status;
                Notify(entry, status);
                HealthServiceLog.StatusChanged(_logger, service, status);
            }
        }
    }

    // Caller holds _lock. A null status makes the service unknown.
    private void Update(string service, ServingStatus? status)
    {
        if (!_entries.TryGetValue(service, out var entry))
        {
            if (status is null)
            {
                return;
            }

            entry = new Entry();
            _entries[service] = entry;
        }

        if (entry.Status == status)
        {
            return;
        }

        entry.Status = status;
        Notify(entry, status ?? ServingStatus.ServiceUnknown);
        HealthServiceLog.StatusChanged(_logger, service, status ?? ServingStatus.ServiceUnknown);
        RemoveIfUnused(service, entry);
    }

    // Caller holds _lock. A full watcher drops its older pending status: never more than one queued.
    private static void Notify(Entry entry, ServingStatus status)
    {
        foreach (var watcher in entry.Watchers)
        {
            watcher.Writer.TryWrite(status);
        }
    }

    private void RemoveIfUnused(string service, Entry entry)
    {
        if (entry.Status is null && entry.Watchers.Count == 0)
        {
            _entries.Remove(service);
        }
    }

    private sealed class Entry
    {
        public ServingStatus? Status { get; set; }

        public List<Channel<ServingStatus>> Watchers { get; } = [];
    }
}
