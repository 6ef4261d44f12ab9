using System.Diagnostics;
using Npgsql;

namespace EdgeAccess.Cloud.Outbox;

/// <summary>The outcome of one dispatch attempt.</summary>
public enum OutboxOutcome
{
    /// <summary>The handler succeeded and the completion was recorded.</summary>
    Completed,

    /// <summary>The handler failed; the next attempt is scheduled.</summary>
    Retried,

    /// <summary>The handler failed for the last time (or permanently); the message is a dead letter.</summary>
    DeadLettered,

    /// <summary>Shutdown interrupted the handler; the claim was given back.</summary>
    Released,

    /// <summary>The outcome could not be recorded (lease lost or database down); the lease decides.</summary>
    Unrecorded,
}

public sealed partial class OutboxDispatcher
{
    private const int MaxErrorLength = 2000;

    /// <summary>Runs one claimed message and records its outcome. Never throws.</summary>
    internal async Task<OutboxOutcome> RunAsync(OutboxDelivery message, CancellationToken stoppingToken)
    {
        var topic = OutboxMetrics.Topic(message.Topic);
        using var activity = CloudTelemetry.ActivitySource.StartActivity($"outbox process {message.Topic}", ActivityKind.Consumer);
        if (activity is { IsAllDataRequested: true })
        {
            // OpenTelemetry messaging semantic conventions.
            activity.SetTag("messaging.system", "edgeaccess.outbox");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", message.Topic);
            activity.SetTag("messaging.message.id", message.Id.ToString());
            activity.SetTag("edgeaccess.outbox.attempt", message.Attempt);
            activity.SetTag("edgeaccess.outbox.instance", InstanceId);
        }

        var started = _time.GetTimestamp();
        Exception? failure = null;
        using var timeout = new CancellationTokenSource(_options.HandlerTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            if (!_handlers.TryGetValue(message.Topic, out var handlerType))
            {
                throw new OutboxPermanentException($"no handler for topic {message.Topic}");
            }

            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var handler = (IOutboxHandler)scope.ServiceProvider.GetRequiredService(handlerType);
                await handler.HandleAsync(message, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return await RecordAsync(message, activity, async () =>
            {
                await _store.ReleaseAsync(message, InstanceId, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                OutboxLog.Released(_logger, message.Id, message.Topic);
                return OutboxOutcome.Released;
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            failure = new TimeoutException($"the handler did not finish within {_options.HandlerTimeout}", ex);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        var elapsed = _time.GetElapsedTime(started);
        var outcome = await RecordAsync(message, activity, async () =>
        {
            var now = _time.GetUtcNow();
            if (failure is null)
            {
                if (!await _store.CompleteAsync(message, InstanceId, now, CancellationToken.None).ConfigureAwait(false))
                {
                    OutboxLog.LeaseLost(_logger, message.Id, message.Topic, message.Attempt);
                    return OutboxOutcome.Unrecorded;
                }

                OutboxLog.Completed(_logger, message.Id, message.Topic, message.Attempt, elapsed.TotalMilliseconds);
                return OutboxOutcome.Completed;
            }

            var error = Describe(failure);
            if (failure is OutboxPermanentException || message.Attempt >= _options.MaxAttempts)
            {
                if (!await _store.DeadLetterAsync(message, InstanceId, now, error, CancellationToken.None).ConfigureAwait(false))
                {
                    OutboxLog.LeaseLost(_logger, message.Id, message.Topic, message.Attempt);
                    return OutboxOutcome.Unrecorded;
                }

                OutboxLog.DeadLettered(_logger, message.Id, message.Topic, message.Attempt, failure);
                return OutboxOutcome.DeadLettered;
            }

            var next = now + Backoff(message.Attempt, (failure as OutboxRetryException)?.RetryAfter);
            if (!await _store.RetryAsync(message, InstanceId, next, error, CancellationToken.None).ConfigureAwait(false))
            {
                OutboxLog.LeaseLost(_logger, message.Id, message.Topic, message.Attempt);
                return OutboxOutcome.Unrecorded;
            }

            OutboxLog.Retrying(_logger, message.Id, message.Topic, message.Attempt, next, failure);
            return OutboxOutcome.Retried;
        }).ConfigureAwait(false);

        // Counted by what the handler did, whether or not the outcome could be recorded.
        var outcomeTag = new KeyValuePair<string, object?>("edgeaccess.outbox.outcome", failure is null ? "completed" : "failed");
        OutboxMetrics.Duration.Record(elapsed.TotalSeconds, topic, outcomeTag);
        if (failure is null)
        {
            OutboxMetrics.Dispatched.Add(1, topic);
            activity?.SetStatus(ActivityStatusCode.Ok);
        }
        else
        {
            OutboxMetrics.Failed.Add(1, topic);
            if (outcome == OutboxOutcome.DeadLettered)
            {
                OutboxMetrics.DeadLettered.Add(1, topic);
            }

            // The type only: messages are the handler's and stay in the logs and last_error.
            activity?.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("edgeaccess.outbox.outcome", outcome.ToString());
        }

        return outcome;
    }

    /// <summary>
    /// The delay before attempt <paramref name="attempt"/> + 1: the base delay doubled per attempt,
    /// capped, with "equal jitter" (half fixed, half random) so a burst of failures does not retry in
    /// lock-step; never shorter than the other side's <paramref name="retryAfter"/>.
    /// </summary>
    internal TimeSpan Backoff(int attempt, TimeSpan? retryAfter = null)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter, not security.
        var delay = TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
#pragma warning restore CA5394
        return retryAfter is { } wait && wait > delay ? wait : delay;
    }

    private async Task<OutboxOutcome> RecordAsync(OutboxDelivery message, Activity? activity, Func<Task<OutboxOutcome>> record)
    {
        try
        {
            return await record().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            OutboxLog.RecordFailed(_logger, message.Id, message.Topic, ex);
            activity?.SetStatus(ActivityStatusCode.Error, "outcome not recorded");
            return OutboxOutcome.Unrecorded;
        }
    }

    private static string Describe(Exception failure)
    {
        var text = $"{failure.GetType().Name}: {failure.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }
}
