namespace EdgeAccess.Cloud.Data.Entities;

/// <summary>
/// An OS account a node reported (table <c>node_accounts</c>) and the person an admin linked it to.
/// A linked account reaches the node's site feed as a <c>NodeAccountRecord</c> keyed by
/// <see cref="Id"/>, so the node maps a process owner's uid to a person also while offline.
/// </summary>
public sealed class NodeAccount
{
    public Guid Id { get; set; }
    public required string NodeId { get; set; }
    public long Uid { get; set; }
    public required string Name { get; set; }
    public string FullName { get; set; } = "";

    /// <summary>In the node's last report; an account that vanished keeps its row only while linked.</summary>
    public bool Present { get; set; } = true;
    public DateTimeOffset ReportedAt { get; set; }
    public Guid? PersonId { get; set; }
    public DateTimeOffset? LinkedAt { get; set; }
    public Guid? LinkedBy { get; set; }
}
