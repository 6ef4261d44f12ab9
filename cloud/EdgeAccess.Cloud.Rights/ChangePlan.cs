using EdgeAccess.Cloud.Data.Entities;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace EdgeAccess.Cloud.Rights;

/// <summary>What a set of tracked changes means: audit entries, scope seeds, records to replicate.</summary>
public sealed partial class ChangePlan
{
    /// <summary>The audit trail rows for the change.</summary>
    public List<AuditEntry> AuditEntries { get; } = [];

    /// <summary>True when nothing is tracked as changed.</summary>
    public bool IsEmpty => AuditEntries.Count == 0;

    internal static ChangePlan FromTracker(ChangeTracker tracker, ChangeActor actor, DateTimeOffset now)
    {
        _ = tracker;
        _ = actor;
        _ = now;
        return new ChangePlan();
    }
}
