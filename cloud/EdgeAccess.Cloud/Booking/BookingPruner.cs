using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights;
using EdgeAccess.Cloud.Rights.Compiler;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Booking;

/// <summary>
/// Takes ended bookings out of the compiled state. A booking stays active (confirmed, checked in)
/// after it ended; the compiler leaves out one whose access window [start − early entry, end +
/// grace] ended more than <see cref="BookingPruneOptions.Retention"/> ago, and this service
/// recompiles the bookings that crossed that line since its last run, so their right terms and
/// their <c>BookingRecord</c>s leave the site feeds. Runs at start and every
/// <see cref="BookingPruneOptions.Interval"/>, on one hub instance at a time (a session advisory
/// lock), <see cref="BookingPruneOptions.BatchSize"/> bookings per transaction.
/// </summary>
/// <remarks>
/// Log events <c>BookingsPruned</c>, <c>BookingPruneFailed</c>, <c>BookingPruneBusy</c>; counter
/// <c>edgeaccess.booking.pruned</c>. A run looks back from the previous run's cutoff, less one
/// interval: an admin change compiled at an earlier clock that commits after a run may bring a
/// just-pruned booking back, and the next run takes it out again.
/// </remarks>
public sealed partial class BookingPruner(
    IServiceScopeFactory scopes, NpgsqlDataSource dataSource, RightsCompiler compiler, TimeProvider time, IOptions<BookingPruneOptions> options, ILogger<BookingPruner> logger)
    : BackgroundService
{
    // "EABookPr" as a 64-bit advisory lock key, apart from the feed compaction's and the schema's.
    private const long LockKey = 0x4541_426F_6F6B_5072;

    private static readonly Counter<long> Pruned = CloudTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.booking.pruned", "{booking}", "Ended bookings whose right terms and booking records were removed from the compiled state.");

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset? _lastCutoff;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PruneAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }

            await Task.Delay(options.Value.Interval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Prunes once at the <see cref="TimeProvider"/>'s now; returns how many bookings were
    /// recompiled, or null when another hub instance is pruning. Concurrent calls run one after the other.
    /// </summary>
    public async Task<int?> PruneAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", connection))
            {
                if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
                {
                    LogBusy(logger);
                    return null;
                }
            }

            try
            {
                return await PruneLockedAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> PruneLockedAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var cutoff = compiler.BookingCutoff(now);
        var since = _lastCutoff is { } last ? last - settings.Interval : cutoff - settings.Lookback;
        var (examined, pruned, published) = (0, 0, 0);
        PruneCursor? cursor = null;
        while (true)
        {
            PruneBatch batch;
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
                batch = await compiler.PruneEndedBookingsAsync(db, since, now, cursor, settings.BatchSize, cancellationToken).ConfigureAwait(false);
            }

            (examined, pruned, published) = (examined + batch.Examined, pruned + batch.Pruned, published + batch.Published);
            if (batch.Pruned > 0)
            {
                Pruned.Add(batch.Pruned);
            }

            if (batch.Examined < settings.BatchSize)
            {
                break;
            }

            cursor = batch.Next;
        }

        _lastCutoff = cutoff;
        if (pruned > 0)
        {
            LogPruned(logger, pruned, examined, published, cutoff);
        }

        return pruned;
    }

    [LoggerMessage(3750, LogLevel.Information, "Pruned {Pruned} of {Examined} bookings whose access window ended before {Cutoff:o}; {Published} feed entries published", EventName = "BookingsPruned")]
    private static partial void LogPruned(ILogger logger, int pruned, int examined, int published, DateTimeOffset cutoff);

    [LoggerMessage(3751, LogLevel.Warning, "Pruning ended bookings failed; retrying at the next interval", EventName = "BookingPruneFailed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(3752, LogLevel.Debug, "Another hub instance is pruning ended bookings", EventName = "BookingPruneBusy")]
    private static partial void LogBusy(ILogger logger);
}
