namespace EdgeAccess.Edge.LabPolicy.Grants;

public sealed partial class GrantReconciler
{
    private async Task ReconcileLockedAsync(GrantPlan plan, Pass pass, CancellationToken cancellationToken)
    {
        // A resource in maintenance wants nobody, except in a trial: once nothing is granted for it
        // any more and its backoff is due, its real desired state is tried once.
        var trials = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, health) in _state.Resources)
        {
            if (health.Maintenance && pass.Now >= health.TrialAt && !_state.Grants.Any(g => g.Resources.Contains(id)))
            {
                trials.Add(id);
            }
        }

        var desired = plan.Desired(pass.Now, id => !IsInMaintenanceLocked(id) || trials.Contains(id));
        var actual = await ReadActualAsync(plan, pass, cancellationToken).ConfigureAwait(false);

        // Wanted and present: keep the record of why (and learn a membership the list found).
        foreach (var (membership, wanted) in desired)
        {
            if (actual.TryGetValue(membership, out var entry))
            {
                var owners = wanted.Resources.ToList();
                lock (_state)
                {
                    if (!entry.Resources.SequenceEqual(owners, StringComparer.Ordinal) || !_state.Grants.Contains(entry))
                    {
                        entry.Resources = owners;
                        if (!_state.Grants.Contains(entry))
                        {
                            _state.Grants.Add(entry);
                        }

                        _dirty = true;
                    }
                }
            }
        }

        // Revokes first: a booking that ended is closed before anything else happens.
        foreach (var (membership, entry) in actual.OrderBy(a => a.Key.Group, StringComparer.Ordinal).ThenBy(a => a.Key.User, StringComparer.Ordinal))
        {
            if (!desired.ContainsKey(membership))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var owners = entry.Resources.Count > 0 ? entry.Resources : [.. plan.ResourcesWithGroup(membership.Group)];
                await ExecuteAsync(grant: false, membership, entry.Uid, entry.PersonId, owners, pass, trials).ConfigureAwait(false);
            }
        }

        foreach (var (membership, wanted) in desired.OrderBy(d => d.Key.Group, StringComparer.Ordinal).ThenBy(d => d.Key.User, StringComparer.Ordinal))
        {
            if (!actual.ContainsKey(membership))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await ExecuteAsync(grant: true, membership, wanted.Uid, wanted.PersonId, [.. wanted.Resources], pass, trials).ConfigureAwait(false);
            }
        }

        // A command no longer needed (the booking ended before its grant worked) starts afresh if needed again.
        foreach (var key in _retries.Keys.Where(k => !pass.Needed.Contains(k)).ToList())
        {
            _retries.Remove(key);
        }

        await UpdateHealthAsync(plan, pass, trials).ConfigureAwait(false);
    }

    private bool IsInMaintenanceLocked(string resourceId) => _state.Resources.TryGetValue(resourceId, out var health) && health.Maintenance;

    /// <summary>
    /// What is granted: the state file's records and, with a list command, what the OS reports for
    /// each group involved — limited to names this node knows (linked accounts and its own grants),
    /// so a member added by hand who is not an EdgeAccess-linked account is never touched.
    /// </summary>
    private async Task<Dictionary<Membership, GrantEntry>> ReadActualAsync(GrantPlan plan, Pass pass, CancellationToken cancellationToken)
    {
        var actual = new Dictionary<Membership, GrantEntry>();
        foreach (var entry in _state.Grants)
        {
            actual.TryAdd(new Membership(entry.Group, entry.User), entry);
        }

        if (_settings.ListCommand is not { } list)
        {
            return actual;
        }

        var known = new HashSet<string>(plan.AccountsByUser.Keys, StringComparer.Ordinal);
        known.UnionWith(_state.Grants.Select(g => g.User));
        var groups = new SortedSet<string>(_state.Grants.Select(g => g.Group), StringComparer.Ordinal);
        groups.UnionWith(plan.Resources.Values.Select(r => r.LabPolicy?.OsGroup ?? "").Where(g => g.Length > 0));
        foreach (var group in groups)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var resources = plan.ResourcesWithGroup(group).Concat(_state.Grants.Where(g => g.Group == group).SelectMany(g => g.Resources))
                .Distinct(StringComparer.Ordinal).ToList();
            IReadOnlyList<string> argv;
            try
            {
                argv = list.Render(new CommandValues(Group: group, ResourceId: resources.FirstOrDefault()));
            }
            catch (CommandValueException ex)
            {
                if (_refused.Add($"list|{group}|{ex.Message}"))
                {
                    pass.Refused++;
                    _instruments.Failed.Add(1, new("edgeaccess.command", "list"), new("error.type", "refused"));
                    GrantLog.CommandRefused(_logger, list.Name, resources.FirstOrDefault() ?? "", ex.Message);
                }

                continue;
            }

            // Not cancelled by the stop token: a command killed half-way leaves the OS in an unknown state.
            var outcome = await _runner.RunAsync(argv, CancellationToken.None).ConfigureAwait(false);
            _instruments.Run.Add(1, new KeyValuePair<string, object?>("edgeaccess.command", "list"));
            if (!outcome.Succeeded)
            {
                _instruments.Failed.Add(1, new("edgeaccess.command", "list"), new("error.type", ErrorType(outcome)));
                GrantLog.ListFailed(_logger, group, outcome.ExitCode, outcome.Error);
                pass.Fail(resources, $"listing group {group} failed: {outcome.Error}");
                continue;
            }

            var members = GrantPlan.ParseMembers(outcome.Output);
            members.IntersectWith(known);
            foreach (var membership in actual.Keys.Where(m => m.Group == group && !members.Contains(m.User)).ToList())
            {
                // Gone from the group (removed by hand): not granted any more, whatever the state said.
                actual.Remove(membership);
                lock (_state)
                {
                    _dirty |= _state.Grants.RemoveAll(g => g.Group == membership.Group && g.User == membership.User) > 0;
                }
            }

            foreach (var user in members)
            {
                var membership = new Membership(group, user);
                if (!actual.ContainsKey(membership))
                {
                    var account = plan.AccountsByUser.GetValueOrDefault(user);
                    actual[membership] = new GrantEntry
                    {
                        Group = group,
                        User = user,
                        Uid = account?.Uid ?? -1,
                        PersonId = account?.PersonId ?? "",
                        Resources = [.. plan.ResourcesWithGroup(group)],
                        GrantedAt = pass.Now,
                    };
                }
            }
        }

        return actual;
    }
}
