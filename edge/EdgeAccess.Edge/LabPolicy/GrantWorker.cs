using EdgeAccess.Decisions;
using EdgeAccess.Edge.AccessPoint;
using EdgeAccess.Edge.LabPolicy.Grants;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Edge.LabPolicy;

/// <summary>
/// Runs the <see cref="GrantReconciler"/> of a lab server: once at start-up (catching up on what
/// happened while the node was down or offline), whenever the replica changed (a booking was made,
/// cancelled or approved, an account linked) and on every tick (bookings start and end without a
/// replica change). The resources, bookings and account links come from the replica
/// (<see cref="LabPolicyRecords"/>, read again only after the replica changed).
/// </summary>
internal sealed partial class GrantWorker(
    IServiceProvider services,
    ReplicaIndexLoader loader,
    IOptions<LabGrantOptions> options,
    TimeProvider time,
    ILogger<GrantWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        var reconciler = services.GetRequiredService<GrantReconciler>();
        var records = new LabPolicyRecords();
        using var changed = new SemaphoreSlim(0, 1);
        EventHandler<DecisionIndex> published = (_, _) => Wake(changed);
        loader.IndexPublished += published;
        try
        {
            using var timer = new PeriodicTimer(settings.Interval, time);
            var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            var woken = changed.WaitAsync(stoppingToken);
            while (true)
            {
                try
                {
                    // Re-read only when the replica moved; the clock alone moves bookings in and out.
                    var read = await records.GetAsync(loader.Store, stoppingToken);
                    await reconciler.ReconcileAsync(new GrantInputs(read.Resources, read.Bookings, read.Accounts), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next tick tries again; a broken replica read must not end grant revocation for good.
                    LogPassFailed(logger, ex);
                }

                var first = await Task.WhenAny(tick, woken);
                if (first == tick)
                {
                    if (!await tick)
                    {
                        return;
                    }

                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }
                else
                {
                    await woken;
                    woken = changed.WaitAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            loader.IndexPublished -= published;
        }
    }

    private static void Wake(SemaphoreSlim signal)
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already woken, or stopped.
        }
    }

    [LoggerMessage(EventId = 4170, EventName = "LabGrantsDisabled", Level = LogLevel.Debug,
        Message = "No grant and revoke commands configured (EdgeAccess:LabPolicy:Grants); OS group grants are off.")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(EventId = 4171, EventName = "LabGrantPassFailed", Level = LogLevel.Error,
        Message = "A grant reconcile pass failed; retrying at the next tick.")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
