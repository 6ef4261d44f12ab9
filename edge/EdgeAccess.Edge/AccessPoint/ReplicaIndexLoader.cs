using System.Diagnostics.Metrics;
using EdgeAccess.Decisions;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Edge.AccessPoint;

/// <summary>
/// Opens the node's local store at start (<c>replica.db</c> and <c>journal.db</c> in
/// <c>EdgeAccess:Edge:DataDirectory</c>), builds the <see cref="DecisionIndex"/> from the replica
/// and publishes it; <see cref="ReloadAsync"/> rebuilds it after the replica changed.
/// </summary>
public sealed partial class ReplicaIndexLoader : IHostedService, IDisposable
{
    private readonly ReplicaOptions _replicaOptions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IMeterFactory _meterFactory;
    private readonly ILogger<ReplicaIndexLoader> _logger;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private DecisionIndexHolder? _holder;
    private ReplicaStore? _store;
    private EventJournal? _journal;

    // The records of the published index, kept so feed changes update it without re-reading the
    // replica (a full read of 1M cards × 64 doors takes seconds; applying a change, microseconds).
    // Guarded by _reloadGate.
    private DecisionIndex.Builder? _builder;

    /// <summary>Creates the loader; nothing is opened before <see cref="StartAsync"/>.</summary>
    public ReplicaIndexLoader(
        IOptions<AccessPointOptions> options, IOptions<ReplicaOptions> replicaOptions, TimeProvider time,
        ILoggerFactory loggerFactory, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(replicaOptions);
        var replica = replicaOptions.Value;
        // A copy: the data folder is the edge's (EdgeAccess:Edge:DataDirectory); tuning stays EdgeAccess:Replica.
        _replicaOptions = new ReplicaOptions
        {
            DataDirectory = options.Value.DataDirectory,
            BusyTimeout = replica.BusyTimeout,
            JournalCapacity = replica.JournalCapacity,
            JournalRetainAcknowledged = replica.JournalRetainAcknowledged,
            JournalAlarmRatio = replica.JournalAlarmRatio,
        };
        _time = time;
        _loggerFactory = loggerFactory;
        _meterFactory = meterFactory;
        _logger = loggerFactory.CreateLogger<ReplicaIndexLoader>();
    }

    /// <summary>The published index, or null while the replica has no usable site.</summary>
    public DecisionIndexHolder? Holder => Volatile.Read(ref _holder);

    /// <summary>The replica (open after start).</summary>
    public ReplicaStore Store => _store ?? throw new InvalidOperationException("The replica is not open yet.");

    /// <summary>The event journal (open after start).</summary>
    public EventJournal Journal => _journal ?? throw new InvalidOperationException("The journal is not open yet.");

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _store = ReplicaStore.Open(_replicaOptions, _time, _loggerFactory.CreateLogger<ReplicaStore>());
        _journal = EventJournal.Open(_replicaOptions, _loggerFactory.CreateLogger<EventJournal>(), _meterFactory);
        await ReloadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Rebuilds the index from the whole replica and publishes it; decisions in flight finish on
    /// the index they started with. Returns the new index, or null when the replica has no usable
    /// site yet (the previous index, if any, stays published).
    /// </summary>
    public async Task<DecisionIndex?> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = _time.GetTimestamp();
            var builder = new DecisionIndex.Builder();
            await foreach (var record in Store.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Add(builder, record);
            }

            builder.Position = Store.Position;
            _builder = builder;
            return Publish(builder, started);
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    // Builds and publishes the index of the builder's records. Caller holds _reloadGate.
    private DecisionIndex? Publish(DecisionIndex.Builder builder, long started)
    {
        DecisionIndex index;
        try
        {
            index = builder.Build();
        }
        catch (InvalidOperationException ex)
        {
            AccessPointLog.IndexUnavailable(_logger, ex.Message);
            return null;
        }

        if (Holder is { } holder)
        {
            holder.Swap(index);
        }
        else
        {
            Volatile.Write(ref _holder, new DecisionIndexHolder(index));
        }

        var statistics = index.Statistics;
        AccessPointLog.IndexLoaded(_logger, index.SiteId, index.Position, statistics.Cards, statistics.Doors, statistics.Rights,
            _time.GetElapsedTime(started).TotalMilliseconds);
        IndexPublished?.Invoke(this, index);
        return index;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _journal?.Dispose();
        _store?.Dispose();
        _reloadGate.Dispose();
    }

    private static void Add(DecisionIndex.Builder builder, ReplicaRecord record)
    {
        switch (record.Parse())
        {
            case SiteRecord site:
                builder.Add(site);
                break;
            case DoorRecord door:
                builder.Add(door);
                break;
            case CardRecord card:
                builder.Add(card);
                break;
            case ScheduleRecord schedule:
                builder.Add(schedule);
                break;
            case RightRecord right:
                builder.Add(right);
                break;
        }
    }
}
