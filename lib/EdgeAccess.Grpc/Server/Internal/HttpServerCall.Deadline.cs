namespace EdgeAccess.Grpc.Server.Internal;

internal sealed partial class HttpServerCall
{
    // Timers cannot be armed further out than this; a longer timeout behaves as "no deadline".
    private static readonly TimeSpan MaxTimerDueTime = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private ITimer? _deadlineTimer;

    private void ArmDeadline(TimeSpan timeout)
    {
        if (timeout >= MaxTimerDueTime)
        {
            return;
        }

        _deadline = _time.GetUtcNow().UtcDateTime + timeout;
        _deadlineTimer = _time.CreateTimer(static state => _ = ((HttpServerCall)state!).OnDeadlineAsync(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The deadline passed: end the call with DEADLINE_EXCEEDED at once, without waiting for the
    /// handler, then cancel the handler. If a write is stuck (the client stopped reading), the
    /// stream is reset instead, since the status could not be sent after it anyway.
    /// </summary>
    private async Task OnDeadlineAsync()
    {
        DeadlineExceeded = true;
        try
        {
            if (await _writeLock.WaitAsync(0).ConfigureAwait(false))
            {
                try
                {
                    await EndCallCoreAsync(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")).ConfigureAwait(false);
                }
                finally
                {
                    _writeLock.Release();
                }
            }
            else
            {
                _http.Abort();
            }
        }
        catch (ObjectDisposedException)
        {
            // The call finished concurrently.
        }
        catch (Exception)
        {
            // The status could not be sent (the client went away or the response failed): reset
            // the stream so the client is not left waiting.
            _http.Abort();
        }
        finally
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call finished concurrently.
            }
        }
    }
}
