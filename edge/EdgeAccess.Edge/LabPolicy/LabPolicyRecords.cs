using EdgeAccess.Edge.LabPolicy.Enforcement;
using EdgeAccess.Edge.Replica;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy;

/// <summary>
/// The replica records the policy reads (resources, bookings, node-account links, the site's time
/// zone), re-read only when the replica moved: cached by its position and snapshot time, so a tick
/// every second costs nothing while nothing changed.
/// </summary>
internal sealed class LabPolicyRecords
{
    private (long Position, DateTimeOffset? SnapshotAt)? _key;
    private LabRecords _records = LabRecords.Empty;

    /// <summary>How many times the replica was actually read (tests).</summary>
    public int Reads { get; private set; }

    /// <summary>The records at the replica's current position.</summary>
    public async Task<LabRecords> GetAsync(ReplicaStore store, CancellationToken cancellationToken)
    {
        var key = (store.Position, store.SnapshotAt);
        if (_key == key)
        {
            return _records;
        }

        var (resources, p1) = await store.ReadKindAsync(RecordKind.Resource, cancellationToken).ConfigureAwait(false);
        var (bookings, p2) = await store.ReadKindAsync(RecordKind.Booking, cancellationToken).ConfigureAwait(false);
        var (accounts, p3) = await store.ReadKindAsync(RecordKind.NodeAccount, cancellationToken).ConfigureAwait(false);
        var (sites, p4) = await store.ReadKindAsync(RecordKind.Site, cancellationToken).ConfigureAwait(false);
        Reads++;
        _records = new LabRecords(
            [.. resources.Select(r => ResourceRecord.Parser.ParseFrom(r.Payload))],
            [.. bookings.Select(r => BookingRecord.Parser.ParseFrom(r.Payload))],
            [.. accounts.Select(r => NodeAccountRecord.Parser.ParseFrom(r.Payload))],
            Zone(sites.Select(r => SiteRecord.Parser.ParseFrom(r.Payload)).FirstOrDefault()?.TimeZone));
        // Changes applied between the reads: use what was read, read again next tick.
        _key = p1 == key.Position && p2 == p1 && p3 == p1 && p4 == p1 && store.SnapshotAt == key.SnapshotAt ? key : null;
        return _records;
    }

    private static TimeZoneInfo Zone(string? id)
    {
        if (!string.IsNullOrEmpty(id))
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                // Fall back to the machine's zone.
            }
        }

        return TimeZoneInfo.Local;
    }
}
