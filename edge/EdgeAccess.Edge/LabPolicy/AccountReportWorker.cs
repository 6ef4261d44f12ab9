using EdgeAccess.Edge.LabPolicy.Accounts;
using Microsoft.Extensions.Options;

namespace EdgeAccess.Edge.LabPolicy;

/// <summary>
/// Keeps the <see cref="AccountReporter"/> current from the passwd file; the sync session sends
/// each new set to the hub. Off when <see cref="LabAccountOptions.Report"/> is false.
/// </summary>
internal sealed partial class AccountReportWorker(AccountReporter reporter, IOptions<LabAccountOptions> options, TimeProvider time, ILogger<AccountReportWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Report)
        {
            LogDisabled(logger);
            return;
        }

        try
        {
            await reporter.WatchAsync(settings.PollInterval, time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 4190, EventName = "LabAccountReportDisabled", Level = LogLevel.Information,
        Message = "The OS account report is off (EdgeAccess:LabPolicy:Accounts:Report); the hub is not told this node's accounts.")]
    private static partial void LogDisabled(ILogger logger);
}
