namespace EdgeAccess.Edge.LabPolicy.Grants;

/// <summary>
/// Which resources are in maintenance: their grant or revoke commands failed too often in a row.
/// The enforcement engine fails closed on them (nobody may run their programs) until a full
/// reconcile succeeds again. Kept across restarts.
/// </summary>
public interface IMaintenanceState
{
    /// <summary>Whether <paramref name="resourceId"/> is in maintenance.</summary>
    bool IsInMaintenance(string resourceId);
}
