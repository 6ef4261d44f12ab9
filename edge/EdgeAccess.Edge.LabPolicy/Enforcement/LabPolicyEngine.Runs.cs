using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

public sealed partial class LabPolicyEngine
{
    /// <summary>
    /// The runs in the table: processes (not root's, not zombies) running a watched resource's
    /// program, grouped by (uid, process group), with every resource they run programs of.
    /// </summary>
    private List<Candidate> Candidates(ProcessTable table, Dictionary<string, (ResourceRecord Resource, EffectiveLabPolicy Policy)> watched)
    {
        var candidates = new Dictionary<(long, int), Candidate>();
        foreach (var process in table.Processes)
        {
            if (process.Uid == 0 || process.IsGone)
            {
                continue; // root is always exempt
            }

            foreach (var resourceId in watched.Keys)
            {
                if (!_patterns[resourceId].Patterns.Matches(process))
                {
                    continue;
                }

                var key = (process.Uid, process.ProcessGroup);
                if (!candidates.TryGetValue(key, out var candidate))
                {
                    candidates[key] = candidate = new Candidate(process.Uid, process.ProcessGroup);
                }

                if (!candidate.Resources.Contains(resourceId))
                {
                    candidate.Resources.Add(resourceId);
                }

                if (!candidate.Matching.Contains(process))
                {
                    candidate.Matching.Add(process);
                }
            }
        }

        if (candidates.Count == 0)
        {
            return [];
        }

        var wanted = candidates.Keys.Select(k => k.Item2).ToHashSet();
        var groups = new Dictionary<int, List<ProcessInfo>>();
        foreach (var process in table.Processes)
        {
            if (wanted.Contains(process.ProcessGroup))
            {
                if (!groups.TryGetValue(process.ProcessGroup, out var members))
                {
                    groups[process.ProcessGroup] = members = [];
                }

                members.Add(process);
            }
        }

        foreach (var candidate in candidates.Values)
        {
            candidate.Complete(table.Find(candidate.ProcessGroup), groups.GetValueOrDefault(candidate.ProcessGroup) ?? []);
        }

        return [.. candidates.Values];
    }

    /// <summary>The termination target of a run: its group's members and every descendant, by identity.</summary>
    private static TerminationTarget Target(Candidate candidate, ProcessTable table)
    {
        var known = new Dictionary<int, ProcessIdentity>();
        var queue = new Queue<ProcessInfo>();
        foreach (var process in candidate.Members.Concat(candidate.Matching))
        {
            if (known.TryAdd(process.Pid, process.Identity))
            {
                queue.Enqueue(process);
            }
        }

        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in table.ChildrenOf(parent.Pid))
            {
                if (known.TryAdd(child.Pid, child.Identity))
                {
                    queue.Enqueue(child);
                }
            }
        }

        return new TerminationTarget(candidate.Uid, candidate.ProcessGroup, candidate.GroupLeaderStartTicks, [.. known.Values]);
    }

    /// <summary>A run being assembled from the table.</summary>
    private sealed class Candidate(long uid, int processGroup)
    {
        public long Uid { get; } = uid;

        public int ProcessGroup { get; } = processGroup;

        public List<string> Resources { get; } = [];

        public List<ProcessInfo> Matching { get; } = [];

        public IReadOnlyList<ProcessInfo> Members { get; private set; } = [];

        public ProcessInfo Leader { get; private set; } = null!;

        /// <summary>The start of the process whose pid is the group id, 0 when it is gone.</summary>
        public ulong GroupLeaderStartTicks { get; private set; }

        /// <summary>The identity's start: the group leader's, else the earliest same-uid member's.</summary>
        public ulong KeyStartTicks { get; private set; }

        public DateTimeOffset StartedAt { get; private set; }

        public void Complete(ProcessInfo? groupLeader, IReadOnlyList<ProcessInfo> members)
        {
            Members = members;
            var inGroup = groupLeader is not null && groupLeader.ProcessGroup == ProcessGroup ? groupLeader : null;
            GroupLeaderStartTicks = inGroup?.StartTicks ?? 0;
            var own = members.Where(m => m.Uid == Uid).DefaultIfEmpty(Matching[0]).ToList();
            var earliest = own.MinBy(m => m.StartTicks)!;
            KeyStartTicks = inGroup?.StartTicks ?? earliest.StartTicks;
            StartedAt = own.Min(m => m.StartedAt);
            Leader = inGroup is not null && inGroup.Uid == Uid ? inGroup : Matching[0];
        }

        public LabRun ToRun(ResourceRecord resource, string personId, string? userName) =>
            new(new LabRunKey(resource.Id, Uid, ProcessGroup, KeyStartTicks), resource, personId,
                string.IsNullOrEmpty(userName) ? Uid.ToString(System.Globalization.CultureInfo.InvariantCulture) : userName,
                Leader, Matching, StartedAt);
    }
}
