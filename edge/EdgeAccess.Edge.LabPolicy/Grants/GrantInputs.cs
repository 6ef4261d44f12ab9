using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Grants;

/// <summary>
/// What a reconcile pass reads from the replica: the resources, bookings and node-account links of
/// the site. The reconciler keeps the ones of its own node.
/// </summary>
/// <param name="Resources">Resource records (kind 6).</param>
/// <param name="Bookings">Booking records (kind 7).</param>
/// <param name="Accounts">Node-account records (kind 8).</param>
public sealed record GrantInputs(IReadOnlyList<ResourceRecord> Resources, IReadOnlyList<BookingRecord> Bookings, IReadOnlyList<NodeAccountRecord> Accounts)
{
    /// <summary>No records (an empty replica).</summary>
    public static GrantInputs Empty { get; } = new([], [], []);
}
