using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Data.Feed;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Feed;

/// <summary>
/// Keeps the site feeds healthy: refreshes the feed gauges and, on one hub instance at a time
/// (a session advisory lock), compacts entries older than the retention.
/// </summary>
public sealed partial class FeedMaintenanceService : BackgroundService
{
    private const long CompactionLockKey = 0x4564_6765_4665_6564;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IOptions<FeedOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FeedMaintenanceService> _logger;
    private readonly ConcurrentDictionary<Guid, (long Head, long Horizon)> _stats = new();

    /// <summary>Creates the service and registers the feed gauges.</summary>
    public FeedMaintenanceService(NpgsqlDataSource dataSource, IOptions<FeedOptions> options, TimeProvider time, ILogger<FeedMaintenanceService> logger)
    {
        _dataSource = dataSource;
        _options = options;
        _time = time;
        _logger = logger;
        CloudTelemetry.Meter.CreateObservableGauge("edgeaccess.feed.length", () => Measure(s => s.Head - s.Horizon), "{entry}",
            "Entries retained in a site's change feed (head minus compaction horizon).");
        CloudTelemetry.Meter.CreateObservableGauge("edgeaccess.feed.head", () => Measure(s => s.Head), "{position}",
            "Last committed position of a site's change feed.");
        CloudTelemetry.Meter.CreateObservableGauge("edgeaccess.feed.oldest_position", () => Measure(s => s.Horizon + 1), "{position}",
            "Oldest position of a site's feed still readable; readers behind it need a snapshot.");
    }

    /// <summary>The latest statistics per site (for tests and the admin API).</summary>
    public IReadOnlyDictionary<Guid, (long Head, long Horizon)> Statistics => _stats;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextCompaction = _time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshStatisticsAsync(stoppingToken).ConfigureAwait(false);
                if (_time.GetUtcNow() >= nextCompaction)
                {
                    await CompactAsync(stoppingToken).ConfigureAwait(false);
                    nextCompaction = _time.GetUtcNow() + _options.Value.CompactionInterval;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogMaintenanceFailed(_logger, ex);
            }

            await Task.Delay(_options.Value.StatisticsInterval, _time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads head and horizon of every site.</summary>
    public async Task RefreshStatisticsAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT site_id, head, horizon FROM feed_heads");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            _stats[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    /// <summary>Compacts every site's entries older than the retention, if no other hub is doing it.</summary>
    public async Task<long> CompactAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({CompactionLockKey})", connection))
        {
            if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return 0;
            }
        }

        try
        {
            var cutoff = _time.GetUtcNow() - _options.Value.Retention;
            long total = 0;
            foreach (var site in _stats.Keys)
            {
                var upTo = await FeedCompactor.PositionBeforeAsync(_dataSource, site, cutoff, cancellationToken).ConfigureAwait(false);
                if (upTo > 0)
                {
                    total += await FeedCompactor.CompactAsync(_dataSource, site, upTo, cancellationToken).ConfigureAwait(false);
                }
            }

            if (total > 0)
            {
                LogCompacted(_logger, total, cutoff);
            }

            return total;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({CompactionLockKey})", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private IEnumerable<Measurement<long>> Measure(Func<(long Head, long Horizon), long> value) =>
        _stats.Select(s => new Measurement<long>(value(s.Value), new KeyValuePair<string, object?>("edgeaccess.site", s.Key.ToString())));

    [LoggerMessage(3060, LogLevel.Information, "Compacted {Entries} feed entries committed before {Cutoff:o}", EventName = "FeedCompacted")]
    private static partial void LogCompacted(ILogger logger, long entries, DateTimeOffset cutoff);

    [LoggerMessage(3061, LogLevel.Warning, "Feed maintenance failed; retrying at the next interval", EventName = "FeedMaintenanceFailed")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);
}
