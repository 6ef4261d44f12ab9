using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.HubLink;

internal sealed partial class SyncSession
{
    /// <summary>
    /// Sends the node's OS account set (sync.proto <c>NodeAccounts</c>) once it is known, then each
    /// time it changes. Started after the hello was queued, so the set follows it; every new
    /// stream sends the current set again, as the hub may have missed one while the link was down.
    /// </summary>
    private async Task ReportAccountsAsync(CancellationToken cancellationToken)
    {
        if (_accounts is null)
        {
            return;
        }

        long sent = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var report = await _accounts.WaitForChangeAsync(sent, cancellationToken).ConfigureAwait(false);
            await _outbox.Writer.WriteAsync(new EdgeMessage { Accounts = report.Accounts }, cancellationToken).ConfigureAwait(false);
            sent = report.Version;
        }
    }
}
