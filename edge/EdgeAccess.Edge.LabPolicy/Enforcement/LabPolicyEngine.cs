using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

/// <summary>
/// Decides, tick by tick, what happens to the runs of control programs on this node: pure
/// decisions from the replica's records and a process table, returned as <see cref="LabAction"/>s
/// that a worker executes. Free of I/O (apart from the optional path resolver), so it runs on a
/// fake clock in tests. Thread-safe: completions may be reported from other threads.
/// </summary>
/// <remarks>
/// <para>Per run (matching processes of one uid in one process group):</para>
/// <list type="bullet">
/// <item>uid 0 and the resource's exempt accounts are never touched nor journaled.</item>
/// <item>The owner is a person through the node-account link (node id, uid); unlinked = unbooked.</item>
/// <item>A run is allowed while a non-pending booking of that person holds (back-to-back bookings are
/// one window). At its end minus the warning lead the user is warned once; at its end plus the grace
/// the run is terminated. A resource in maintenance has no bookings (fail closed).</item>
/// <item>An unbooked run is warned at once and terminated after the grace, counted from the start of
/// the user's violation episode on that resource: a new run while the user is already in violation
/// gets no fresh grace, and the episode start survives restarts (<see cref="ExportState"/>). The
/// episode ends when the user is booked, or <see cref="EpisodeMemory"/> after their last unbooked run.
/// A run first seen after its deadline (a restart, a new run in an old episode) is terminated
/// without another warning.</item>
/// <item>Monitor mode journals one violation per run and deadline instead of warning or terminating.</item>
/// <item>A process running the programs of several resources is judged by the most permissive one.</item>
/// </list>
/// </remarks>
public sealed partial class LabPolicyEngine
{
    private readonly Lock _lock = new();
    private readonly Func<string, string?>? _realPath;
    private readonly Dictionary<LabRunKey, RunState> _runs = [];
    private readonly Dictionary<(string Resource, long Uid), Episode> _episodes = [];
    private readonly Dictionary<string, (string Programs, ProgramPatternSet Patterns)> _patterns = new(StringComparer.Ordinal);

    /// <summary>Creates an engine.</summary>
    /// <param name="realPath">Resolves symbolic links in control-program paths (<see cref="ProgramPatternSet.Compile"/>); null: none.</param>
    /// <param name="episodeMemory">How long a user's violation episode is remembered after their last unbooked run (default 10 min).</param>
    public LabPolicyEngine(Func<string, string?>? realPath = null, TimeSpan? episodeMemory = null)
    {
        _realPath = realPath;
        EpisodeMemory = episodeMemory ?? TimeSpan.FromMinutes(10);
    }

    /// <summary>How long a violation episode outlives its last unbooked run.</summary>
    public TimeSpan EpisodeMemory { get; }

    /// <summary>Changes whenever the state worth persisting (<see cref="ExportState"/>) changed.</summary>
    public long StateVersion { get; private set; }

    /// <summary>Evaluates the processes against the bookings at <see cref="LabPolicyInput.Now"/>.</summary>
    public LabDecision Evaluate(LabPolicyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        lock (_lock)
        {
            var now = input.Now;
            var watched = Watched(input, out var interval);
            var invalid = CompilePatterns(watched);
            if (watched.Count == 0)
            {
                _runs.Clear();
                PruneEpisodes(now);
                return new LabDecision([], [], 0, interval, invalid);
            }

            var windows = Windows(input.Bookings, watched);
            var accounts = new Dictionary<long, NodeAccountRecord>();
            foreach (var account in input.Accounts)
            {
                if (account.NodeId == input.NodeId)
                {
                    accounts[account.Uid] = account;
                }
            }

            var actions = new List<LabAction>();
            var runs = new List<LabRun>();
            var seen = new HashSet<LabRunKey>();
            foreach (var candidate in Candidates(input.Processes, watched))
            {
                var link = accounts.GetValueOrDefault(candidate.Uid);
                var localName = input.LocalUserName(candidate.Uid);
                if (IsExempt(candidate, link?.UserName, localName, watched))
                {
                    continue;
                }

                var person = link?.PersonId ?? "";
                var verdicts = new List<Verdict>(candidate.Resources.Count);
                foreach (var resourceId in candidate.Resources)
                {
                    var (resource, policy) = watched[resourceId];
                    var personWindows = person.Length > 0 ? windows.GetValueOrDefault((resourceId, person)) : null;
                    verdicts.Add(Judge(resource, policy, personWindows, input.InMaintenance(resourceId), candidate.Uid, candidate.StartedAt, now));
                }

                var verdict = Best(verdicts);
                var run = candidate.ToRun(verdict.Resource, person, link?.UserName is { Length: > 0 } name ? name : localName);
                runs.Add(run);
                seen.Add(run.Key);
                if (verdict.Standing == Standing.Unbooked)
                {
                    verdict = verdict with { Deadline = TouchEpisode(verdict.Resource.Id, candidate.Uid, now) + verdict.Policy.Grace };
                }
                else if (verdict.Standing is Standing.Allowed or Standing.Ending)
                {
                    EndEpisode(verdict.Resource.Id, candidate.Uid); // a booking ends the unbooked use
                }

                if (Decide(run, verdict, now, input.TimeZone, candidate, input.Processes) is { } action)
                {
                    actions.Add(action);
                }
            }

            foreach (var key in _runs.Keys.Where(k => !seen.Contains(k) && !_runs[k].Terminating).ToList())
            {
                _runs.Remove(key);
            }

            PruneEpisodes(now);
            return new LabDecision(actions, runs, watched.Count, interval, invalid);
        }
    }

    /// <summary>
    /// Records the outcome of a <see cref="LabActionKind.Terminate"/> action. A failed run is tried
    /// again at the next tick.
    /// </summary>
    /// <returns>True when the failure should be journaled (the first one of the run).</returns>
    public bool Complete(LabAction action, TerminationResult result)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(result);
        lock (_lock)
        {
            if (!_runs.TryGetValue(action.Run.Key, out var state))
            {
                return !result.Succeeded;
            }

            state.Terminating = false;
            if (result.Succeeded)
            {
                return false;
            }

            state.Failures++;
            return state.Failures == 1;
        }
    }

    // The watched resources of this node (mode not off) with their effective policies.
    private static Dictionary<string, (ResourceRecord Resource, EffectiveLabPolicy Policy)> Watched(LabPolicyInput input, out TimeSpan interval)
    {
        interval = EffectiveLabPolicy.MaxCheckInterval;
        var watched = new Dictionary<string, (ResourceRecord, EffectiveLabPolicy)>(StringComparer.Ordinal);
        foreach (var resource in input.Resources)
        {
            if (resource.NodeId != input.NodeId || string.IsNullOrEmpty(resource.Id))
            {
                continue;
            }

            var policy = EffectiveLabPolicy.Of(resource);
            if (policy.Mode is LabPolicyMode.Monitor or LabPolicyMode.Enforce)
            {
                watched[resource.Id] = (resource, policy);
                interval = policy.CheckInterval < interval ? policy.CheckInterval : interval;
            }
        }

        return watched;
    }

    private List<string> CompilePatterns(Dictionary<string, (ResourceRecord Resource, EffectiveLabPolicy Policy)> watched)
    {
        var invalid = new List<string>();
        foreach (var (id, (resource, _)) in watched)
        {
            var programs = string.Join('\0', resource.ControlPrograms);
            if (!_patterns.TryGetValue(id, out var compiled) || compiled.Programs != programs)
            {
                compiled = (programs, ProgramPatternSet.Compile(resource.ControlPrograms, _realPath));
                _patterns[id] = compiled;
            }

            invalid.AddRange(compiled.Patterns.Invalid.Select(reason => $"{id}: {reason}"));
        }

        foreach (var id in _patterns.Keys.Where(k => !watched.ContainsKey(k)).ToList())
        {
            _patterns.Remove(id);
        }

        return invalid;
    }

    private static bool IsExempt(Candidate candidate, string? linkName, string? localName, Dictionary<string, (ResourceRecord Resource, EffectiveLabPolicy Policy)> watched)
    {
        foreach (var resourceId in candidate.Resources)
        {
            var exempt = watched[resourceId].Policy.ExemptAccounts;
            if ((linkName is { Length: > 0 } && exempt.Contains(linkName)) || (localName is { Length: > 0 } && exempt.Contains(localName)))
            {
                return true;
            }
        }

        return false;
    }
}
