using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Edge.HubLink;

internal sealed partial class SyncSession
{
    /// <summary>Journal kind of a replica that did not match the hub's digest (a security event).</summary>
    internal const string TamperedKind = "replica.tampered";

    private static readonly TimeSpan DefaultUnlock = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxUnlock = TimeSpan.FromSeconds(300);

    /// <summary>Carries out an operator's command and answers with its result.</summary>
    private async Task OnCommandAsync(NodeCommand command, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        bool succeeded;
        string message;
        if (command.ExpireTime is { } expire && expire.ToDateTimeOffset() <= now)
        {
            // Queued too long (or this clock is ahead): an unlock minutes late must not happen.
            (succeeded, message) = (false, $"expired at {expire.ToDateTimeOffset():O} before it reached the node");
        }
        else
        {
            (succeeded, message) = await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        }

        SyncLog.CommandDone(_logger, command.Id, command.CommandCase.ToString(), succeeded, message);
        var result = new CommandResult { CommandId = command.Id, Succeeded = succeeded, Message = message, CompleteTime = Timestamp.FromDateTimeOffset(_time.GetUtcNow()) };
        await _outbox.Writer.WriteAsync(new EdgeMessage { CommandResult = result }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(bool Succeeded, string Message)> ExecuteAsync(NodeCommand command, CancellationToken cancellationToken)
    {
        switch (command.CommandCase)
        {
            case NodeCommand.CommandOneofCase.UnlockDoor:
                var duration = command.UnlockDoor.Duration?.ToTimeSpan() ?? DefaultUnlock;
                if (duration <= TimeSpan.Zero || duration > MaxUnlock)
                {
                    return (false, $"unlock duration must be 1..{MaxUnlock.TotalSeconds} s");
                }

                if (_doors.Lockdown is not null)
                {
                    return (false, "the site is in lockdown; release it first");
                }

                var until = await _doors.UnlockAsync(command.UnlockDoor.DoorId, duration, command.IssuedBy, cancellationToken).ConfigureAwait(false);
                return until is { } u ? (true, $"door released until {u:O}") : (false, $"door {command.UnlockDoor.DoorId} is not in this node's replica");
            case NodeCommand.CommandOneofCase.Lockdown:
                await _doors.SetLockdownAsync(command.Lockdown.Active, command.Lockdown.Reason, command.IssuedBy, cancellationToken).ConfigureAwait(false);
                return (true, command.Lockdown.Active ? "lockdown active" : "lockdown released");
            case NodeCommand.CommandOneofCase.Resync:
                _end = SessionEnd.SnapshotNeeded;
                return (true, "resync started");
            default:
                return (false, $"unknown command {command.CommandCase}; this node may be older than the hub");
        }
    }

    /// <summary>
    /// Compares the replica with the hub's digest of the site at the same position. The hub sends
    /// it right after the changes up to that position, so in-order processing has the replica
    /// exactly there; any difference was made outside the stream.
    /// </summary>
    private async Task OnDigestAsync(ReplicaDigest digest, CancellationToken cancellationToken)
    {
        await _loader.PublishPendingAsync(cancellationToken).ConfigureAwait(false);
        var (position, count, actual) = await _loader.Store.ComputeDigestAsync(cancellationToken).ConfigureAwait(false);
        if (position != digest.Position)
        {
            SyncLog.DigestSkipped(_logger, digest.Position, position);
            return;
        }

        IntegrityCheck.Save(_loader.Store, digest);
        if (count == digest.RecordCount && digest.Digest.Span.SequenceEqual(actual))
        {
            _loader.ReplicaTampered = false;
            SyncLog.DigestVerified(_logger, position, count);
            return;
        }

        await ReportTamperingAsync(_loader, _logger, position, digest.RecordCount, count, "hub digest", _time, cancellationToken).ConfigureAwait(false);
        _end = SessionEnd.SnapshotNeeded;
    }

    /// <summary>Journals the security event and flags the replica, so decisions fall back to the degraded policy until it is replaced.</summary>
    internal static async Task ReportTamperingAsync(
        AccessPoint.ReplicaIndexLoader loader, ILogger logger, long position, long expectedCount, long actualCount, string source, TimeProvider time, CancellationToken cancellationToken)
    {
        loader.ReplicaTampered = true;
        SyncLog.Tampered(logger, position, expectedCount, actualCount, source);
        SyncMetrics.TamperingDetected.Add(1);
        var payload = new Struct
        {
            Fields =
            {
                ["position"] = Value.ForNumber(position),
                ["expected_records"] = Value.ForNumber(expectedCount),
                ["actual_records"] = Value.ForNumber(actualCount),
                ["detected_by"] = Value.ForString(source),
            },
        };
        await loader.Journal.AppendAsync(TamperedKind, payload.ToByteArray(), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }
}
