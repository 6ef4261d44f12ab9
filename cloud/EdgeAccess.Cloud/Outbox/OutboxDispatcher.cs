using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Outbox;

/// <summary>A topic and the handler type that runs its messages (see <c>AddOutboxHandler</c>).</summary>
public sealed record OutboxHandlerRegistration(string Topic, Type HandlerType);

/// <summary>
/// Runs the outbox on this hub instance: claims due messages of the topics it has handlers for
/// (<c>FOR UPDATE SKIP LOCKED</c> plus a lease of <see cref="OutboxOptions.LeaseDuration"/> in
/// <c>locked_by</c>/<c>locked_until</c>), runs up to <see cref="OutboxOptions.MaxConcurrency"/>
/// handlers at once and records each outcome: completed; retried with exponential backoff and
/// jitter; or dead-lettered after <see cref="OutboxOptions.MaxAttempts"/>. Every hub instance runs
/// one; they share the work through the table. A commit wakes it (<see cref="OutboxListener"/>);
/// otherwise it looks again when the next scheduled message falls due, at the latest after
/// <see cref="OutboxOptions.PollInterval"/>.
/// </summary>
/// <remarks>
/// A worker that dies mid-dispatch holds its lease until it expires; then another instance (or the
/// restarted one) claims the message again. A worker that stops cleanly gives its claims back at once.
/// Delivery is therefore at least once — see <see cref="IOutboxHandler"/> for idempotency.
/// </remarks>
public sealed partial class OutboxDispatcher : BackgroundService
{
    private static readonly Task Never = new TaskCompletionSource().Task;

    private readonly OutboxStore _store;
    private readonly IServiceScopeFactory _scopes;
    private readonly Dictionary<string, Type> _handlers;
    private readonly string[] _topics;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly OutboxListener? _listener;
    private readonly SemaphoreSlim _slots;
    private TaskCompletionSource _localWake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IReadOnlyList<(string Topic, long Ready, long Scheduled, DateTimeOffset? OldestDue)> _statistics = [];

    /// <summary>Creates a dispatcher; <paramref name="instanceId"/> names its leases (unique per process).</summary>
    public OutboxDispatcher(
        NpgsqlDataSource dataSource, IServiceScopeFactory scopes, IEnumerable<OutboxHandlerRegistration> handlers, IOptions<OutboxOptions> options,
        TimeProvider time, ILogger<OutboxDispatcher> logger, string instanceId, OutboxListener? listener = null)
    {
        _store = new OutboxStore(dataSource);
        _scopes = scopes;

        // The last registration of a topic wins, so a host (or a test) can replace a handler.
        _handlers = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            _handlers[handler.Topic] = handler.HandlerType;
        }

        _topics = [.. _handlers.Keys.Order(StringComparer.Ordinal)];
        _options = options.Value;
        _time = time;
        _logger = logger;
        _listener = listener;
        InstanceId = instanceId;
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        CloudTelemetry.Meter.CreateObservableGauge("edgeaccess.outbox.queue_depth", MeasureDepth, "{message}",
            "Pending outbox messages by topic and state (ready: due now; scheduled: due later or backing off).");
        CloudTelemetry.Meter.CreateObservableGauge("edgeaccess.outbox.oldest_age", MeasureOldestAge, "s",
            "How long the oldest ready outbox message of a topic has been due.");
    }

    /// <summary>The <c>locked_by</c> value of this dispatcher's leases.</summary>
    public string InstanceId { get; }

    /// <summary>The topics this dispatcher claims (those with a handler).</summary>
    public IReadOnlyList<string> Topics => _topics;

    /// <summary>The latest queue statistics (see <see cref="RefreshStatisticsAsync"/>).</summary>
    public IReadOnlyList<(string Topic, long Ready, long Scheduled, DateTimeOffset? OldestDue)> Statistics => _statistics;

    /// <summary>
    /// Claims the due messages (up to <see cref="OutboxOptions.MaxConcurrency"/>), runs them and
    /// waits for their outcomes; returns how many ran. For tests and tools: do not mix with a
    /// dispatcher whose background loop runs.
    /// </summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var batch = await _store.ClaimAsync(InstanceId, _topics, _options.MaxConcurrency, now, now + _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(batch.Select(m => RunAsync(m, cancellationToken))).ConfigureAwait(false);
        return batch.Count;
    }

    /// <summary>Reads the queue statistics behind the gauges.</summary>
    public async Task RefreshStatisticsAsync(CancellationToken cancellationToken) =>
        _statistics = await _store.StatisticsAsync(_time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled || _topics.Length == 0)
        {
            return;
        }

        OutboxLog.Started(_logger, InstanceId, string.Join(", ", _topics));
        var inFlight = new ConcurrentDictionary<Guid, Task>();
        var errorDelay = TimeSpan.FromMilliseconds(200);
        var nextStatistics = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Taken before looking at the table, so a commit in between is not missed.
                var wake = Task.WhenAny(_listener?.Next() ?? Never, Volatile.Read(ref _localWake).Task);
                try
                {
                    if (await ClaimAndStartAsync(inFlight, stoppingToken).ConfigureAwait(false))
                    {
                        // Every free slot got a message: more may be due.
                        continue;
                    }

                    var now = _time.GetUtcNow();
                    if (now >= nextStatistics)
                    {
                        await RefreshStatisticsAsync(stoppingToken).ConfigureAwait(false);
                        nextStatistics = now + _options.StatisticsInterval;
                    }

                    var delay = _options.PollInterval;
                    if (await _store.NextWakeAsync(_topics, now, stoppingToken).ConfigureAwait(false) is { } next && next - now < delay)
                    {
                        delay = next - now;
                    }

                    errorDelay = TimeSpan.FromMilliseconds(200);
                    using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    await Task.WhenAny(wake, Task.Delay(delay, _time, cancelDelay.Token)).ConfigureAwait(false);
                    await cancelDelay.CancelAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException)
                {
                    OutboxLog.DatabaseFailed(_logger, errorDelay.TotalMilliseconds, ex);
                    await Task.WhenAny(Task.Delay(errorDelay, _time, stoppingToken)).ConfigureAwait(false);
                    errorDelay = TimeSpan.FromMilliseconds(Math.Min(errorDelay.TotalMilliseconds * 2, 10_000));
                }
            }
        }
        finally
        {
            // The handlers see the cancellation and give their claims back before the host stops.
            await Task.WhenAll(inFlight.Values).ConfigureAwait(false);
        }
    }

    /// <summary>Claims as many messages as there are free slots and starts them; true when every slot got one.</summary>
    private async Task<bool> ClaimAndStartAsync(ConcurrentDictionary<Guid, Task> inFlight, CancellationToken stoppingToken)
    {
        await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
        var free = 1;
        while (free < _options.MaxConcurrency && _slots.Wait(0, CancellationToken.None))
        {
            free++;
        }

        IReadOnlyList<OutboxDelivery> batch;
        try
        {
            var now = _time.GetUtcNow();
            batch = await _store.ClaimAsync(InstanceId, _topics, free, now, now + _options.LeaseDuration, stoppingToken).ConfigureAwait(false);
        }
        catch
        {
            _slots.Release(free);
            throw;
        }

        if (batch.Count < free)
        {
            _slots.Release(free - batch.Count);
        }

        foreach (var message in batch)
        {
            var run = Task.Run(() => RunAsync(message, stoppingToken), CancellationToken.None);
            inFlight[message.Id] = run;
            _ = run.ContinueWith(
                _ =>
                {
                    inFlight.TryRemove(message.Id, out var _);
                    _slots.Release();

                    // A completed message may unblock the next one with its ordering key.
                    Interlocked.Exchange(ref _localWake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return batch.Count == free;
    }

    private IEnumerable<Measurement<long>> MeasureDepth()
    {
        foreach (var s in _statistics)
        {
            yield return new Measurement<long>(s.Ready, OutboxMetrics.Topic(s.Topic), new("edgeaccess.outbox.state", "ready"));
            yield return new Measurement<long>(s.Scheduled, OutboxMetrics.Topic(s.Topic), new("edgeaccess.outbox.state", "scheduled"));
        }
    }

    private IEnumerable<Measurement<double>> MeasureOldestAge()
    {
        var now = _time.GetUtcNow();
        return _statistics.Select(s => new Measurement<double>(
            s.OldestDue is { } due ? Math.Max(0, (now - due).TotalSeconds) : 0, OutboxMetrics.Topic(s.Topic)));
    }
}
