using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;
using Google.Protobuf;

namespace EdgeAccess.Edge.LabPolicy.Grants;

public sealed partial class GrantReconciler
{
    private static string ErrorType(CommandOutcome outcome) => outcome.ExitCode == -1 ? "not_run" : "exit_code";

    private async Task ExecuteAsync(bool grant, Membership membership, long uid, string personId, IReadOnlyList<string> owners, Pass pass, HashSet<string> trials)
    {
        var key = (grant, membership);
        pass.Needed.Add(key);
        // A trial proves the commands work: it does not wait for the per-command backoff.
        if (_retries.TryGetValue(key, out var retry) && pass.Now < retry.At && !owners.Any(trials.Contains))
        {
            pass.Deferred++;
            return;
        }

        var template = grant ? _settings.GrantCommand : _settings.RevokeCommand;
        var kind = grant ? GrantKind : RevokeKind;
        var command = grant ? "grant" : "revoke";
        var resourceId = owners.Count > 0 ? owners[0] : "";
        var payload = new LabCommandEvent
        {
            ResourceId = resourceId,
            PersonId = personId,
            Uid = uid,
            UserName = CommandTemplate.Printable(membership.User),
            OsGroup = CommandTemplate.Printable(membership.Group),
        };
        IReadOnlyList<string> argv;
        try
        {
            argv = template.Render(new CommandValues(membership.User, uid, membership.Group, resourceId));
        }
        catch (CommandValueException ex)
        {
            // Data, not a broken command: reported once, never run, and no step towards maintenance.
            if (_refused.Add($"{kind}|{membership.Group}|{membership.User}|{ex.Message}"))
            {
                pass.Refused++;
                _instruments.Failed.Add(1, new("edgeaccess.command", command), new("error.type", "refused"));
                GrantLog.CommandRefused(_logger, template.Name, resourceId, ex.Message);
                payload.ExitCode = -1;
                payload.Error = "refused: " + ex.Message;
                await JournalAsync(kind, payload.ToByteArray(), resourceId).ConfigureAwait(false);
            }

            return;
        }

        if (pass.Activity is null && GrantTelemetry.ActivitySource.StartActivity(GrantTelemetry.ReconcileActivity) is { } activity)
        {
            // Only a pass that runs commands gets a span: five-second ticks with nothing to do stay silent.
            pass.Activity = activity;
            if (activity.IsAllDataRequested)
            {
                activity.SetTag("edgeaccess.node_id", _settings.NodeId);
            }
        }

        var outcome = await _runner.RunAsync(argv, CancellationToken.None).ConfigureAwait(false);
        _instruments.Run.Add(1, new KeyValuePair<string, object?>("edgeaccess.command", command));
        payload.Argv.Add(argv);
        payload.ExitCode = outcome.ExitCode;
        payload.Succeeded = outcome.Succeeded;
        if (outcome.Succeeded)
        {
            _retries.Remove(key);
            pass.Succeeded.UnionWith(owners);
            lock (_state)
            {
                _state.Grants.RemoveAll(g => g.Group == membership.Group && g.User == membership.User);
                if (grant)
                {
                    _state.Grants.Add(new GrantEntry
                    {
                        Group = membership.Group, User = membership.User, Uid = uid, PersonId = personId, Resources = [.. owners], GrantedAt = pass.Now,
                    });
                    pass.Granted++;
                    GrantLog.Granted(_logger, membership.User, uid, membership.Group, resourceId);
                }
                else
                {
                    pass.Revoked++;
                    GrantLog.Revoked(_logger, membership.User, uid, membership.Group, resourceId);
                }

                _dirty = true;
            }
        }
        else
        {
            var failures = retry.Failures + 1;
            var wait = _settings.Backoff(failures);
            _retries[key] = (failures, pass.Now + wait);
            pass.Fail(owners, outcome.Error);
            _instruments.Failed.Add(1, new("edgeaccess.command", command), new("error.type", ErrorType(outcome)));
            payload.Error = outcome.Error;
            payload.ConsecutiveFailures = (_state.Resources.TryGetValue(resourceId, out var health) ? health.ConsecutiveFailures : 0) + 1;
            GrantLog.CommandFailed(_logger, command, membership.User, membership.Group, resourceId, outcome.ExitCode, payload.ConsecutiveFailures, outcome.Error, wait.TotalSeconds);
        }

        await JournalAsync(kind, payload.ToByteArray(), resourceId).ConfigureAwait(false);
    }

    private async Task JournalAsync(string kind, byte[] payload, string resourceId)
    {
        try
        {
            // Not cancellable: what was done to the OS must be on record.
            await _journal().AppendAsync(kind, payload, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JournalFullException or InvalidOperationException or ObjectDisposedException)
        {
            GrantLog.NotJournaled(_logger, kind, resourceId, ex);
        }
    }
}
