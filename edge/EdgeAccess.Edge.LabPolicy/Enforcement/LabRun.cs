using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

/// <summary>
/// Identifies one run of a control program across ticks: the resource, the owner, the process group
/// and the start time of the group's leader (so a group id reused later is another run).
/// </summary>
/// <param name="ResourceId">The resource whose program runs.</param>
/// <param name="Uid">The owner's real uid.</param>
/// <param name="ProcessGroup">The process group.</param>
/// <param name="LeaderStartTicks">The leader's start time in clock ticks after boot (the earliest member's when the leader is gone).</param>
public readonly record struct LabRunKey(string ResourceId, long Uid, int ProcessGroup, ulong LeaderStartTicks);

/// <summary>One run: the matching processes of one uid in one process group on one resource.</summary>
/// <param name="Key">The run's identity.</param>
/// <param name="Resource">The resource (its policy decided the run).</param>
/// <param name="PersonId">The person the account is linked to; empty when unlinked.</param>
/// <param name="UserName">The account's name (link or passwd), or the uid as text.</param>
/// <param name="Leader">The group's leader, or the first matching process when the leader is gone or does not match.</param>
/// <param name="Matching">The processes that run a control program.</param>
/// <param name="StartedAt">When the group's oldest member started (to about a second).</param>
public sealed record LabRun(
    LabRunKey Key, ResourceRecord Resource, string PersonId, string UserName, ProcessInfo Leader, IReadOnlyList<ProcessInfo> Matching, DateTimeOffset StartedAt)
{
    /// <summary>The executable reported for the run: the leader's, else its <c>argv[0]</c>.</summary>
    public string Executable => Leader.Executable ?? (Leader.Argv.Count > 0 ? Leader.Argv[0] : Leader.Comm);
}
