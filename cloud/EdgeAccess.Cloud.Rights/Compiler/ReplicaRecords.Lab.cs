using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using RecordKind = EdgeAccess.Cloud.Data.Entities.RecordKind;

namespace EdgeAccess.Cloud.Rights.Compiler;

/// <summary>
/// The records of the lab-process policy (issue 6, replica.proto): a <see cref="ResourceRecord"/>
/// for each resource an edge node runs, on the resource's site; a <see cref="BookingRecord"/> for
/// each active booking of such a resource, until it is pruned; a <see cref="NodeAccountRecord"/>
/// for each OS account linked to a person, on its node's site.
/// </summary>
internal static partial class ReplicaRecords
{
    // Status 1 pending, 2 confirmed, 3 checked in (0008_booking.sql): the bookings that hold their
    // resource. A pending one is replicated too (BookingRecord.pending), so the node can tell an
    // unapproved booking from none.
    private const string ActiveStatuses = "(1, 2, 3)";

    private const string ResourceSql = """
        SELECT id, site_id, name, node_id,
               ARRAY(SELECT p FROM jsonb_array_elements_text(control_programs) WITH ORDINALITY a(p, n) ORDER BY n),
               lab_mode, lab_warning_seconds, lab_grace_seconds, lab_interval_seconds, lab_exempt_accounts, lab_os_group, active
        FROM booking_resources WHERE id = ANY($1) AND node_id IS NOT NULL
        """;

    private const string BookingSql = $"""
        SELECT b.id, r.site_id, b.resource_id, b.person_id, b.starts_at, b.ends_at, b.status
        FROM bookings b JOIN booking_resources r ON r.id = b.resource_id
        LEFT JOIN booking_rules ru ON ru.resource_id = b.resource_id
        WHERE b.id = ANY($1) AND b.status IN {ActiveStatuses} AND r.node_id IS NOT NULL AND {RightsLoader.WindowEndSql} >= $2
        """;

    private const string NodeAccountSql = """
        SELECT a.id, n.site_id, a.node_id, a.uid, a.name, a.person_id
        FROM node_accounts a JOIN nodes n ON n.id = a.node_id
        WHERE a.id = ANY($1) AND a.person_id IS NOT NULL
        """;

    /// <summary>
    /// Adds the plan's lab records to <paramref name="desired"/>. Each is first removed from every
    /// site that stores it (only a stored one becomes a deletion), then written where it belongs
    /// now: resources and nodes can move between sites, and a deleted row leaves no trace of where
    /// its record was.
    /// </summary>
    private static async Task AddLabRecordsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ChangePlan plan, HashSet<Guid> sites, DateTimeOffset bookingCutoff,
        Dictionary<(Guid Site, RecordKind Kind, Guid Id), byte[]?> desired, CancellationToken cancellationToken)
    {
        var siteIds = sites.ToArray();
        if (plan.ResourceRecords.Count > 0)
        {
            var ids = plan.ResourceRecords.ToArray();
            await RemoveStoredAsync(RecordKind.Resource, ids).ConfigureAwait(false);
            await RightsLoader.ReadAsync(connection, transaction, ResourceSql, [ids], r =>
            {
                var record = new ResourceRecord
                {
                    Id = r.GetGuid(0).ToString(),
                    Name = r.GetString(2),
                    NodeId = r.GetString(3),
                    LabPolicy = new LabPolicy
                    {
                        // Stored as the columns hold them: 0 means the default, which the node applies.
                        Mode = (LabPolicyMode)r.GetInt16(5),
                        WarningLeadSeconds = r.GetInt32(6),
                        GraceSeconds = r.GetInt32(7),
                        CheckIntervalSeconds = r.GetInt32(8),
                        OsGroup = r.GetString(10),
                    },
                    Active = r.GetBoolean(11),
                };
                record.ControlPrograms.AddRange(r.GetFieldValue<string[]>(4));
                record.LabPolicy.ExemptAccounts.AddRange(r.GetFieldValue<string[]>(9));
                desired[(r.GetGuid(1), RecordKind.Resource, r.GetGuid(0))] = record.ToByteArray();
            }, cancellationToken).ConfigureAwait(false);
        }

        if (plan.BookingRecords.Count > 0)
        {
            var ids = plan.BookingRecords.ToArray();
            await RemoveStoredAsync(RecordKind.Booking, ids).ConfigureAwait(false);
            await RightsLoader.ReadAsync(connection, transaction, BookingSql, [ids, bookingCutoff.ToUniversalTime()], r =>
            {
                var record = new BookingRecord
                {
                    Id = r.GetGuid(0).ToString(),
                    ResourceId = r.GetGuid(2).ToString(),
                    PersonId = r.GetGuid(3).ToString(),
                    StartsAt = Timestamp.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(4)),
                    EndsAt = Timestamp.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(5)),
                    Pending = r.GetInt16(6) == (short)Data.Entities.BookingStatus.Pending,
                };
                desired[(r.GetGuid(1), RecordKind.Booking, r.GetGuid(0))] = record.ToByteArray();
            }, cancellationToken).ConfigureAwait(false);
        }

        if (plan.NodeAccountRecords.Count > 0)
        {
            var ids = plan.NodeAccountRecords.ToArray();
            await RemoveStoredAsync(RecordKind.NodeAccount, ids).ConfigureAwait(false);
            await RightsLoader.ReadAsync(connection, transaction, NodeAccountSql, [ids], r =>
            {
                var record = new NodeAccountRecord
                {
                    Id = r.GetGuid(0).ToString(),
                    NodeId = r.GetString(2),
                    Uid = r.GetInt64(3),
                    UserName = r.GetString(4),
                    PersonId = r.GetGuid(5).ToString(),
                };
                desired[(r.GetGuid(1), RecordKind.NodeAccount, r.GetGuid(0))] = record.ToByteArray();
            }, cancellationToken).ConfigureAwait(false);
        }

        // One index scan per site (primary key site_id, kind, entity_id).
        Task RemoveStoredAsync(RecordKind kind, Guid[] ids) =>
            RightsLoader.ReadAsync(connection, transaction,
                "SELECT site_id, entity_id FROM replica_records WHERE site_id = ANY($1) AND kind = $2 AND entity_id = ANY($3)",
                [siteIds, (short)kind, ids], r => desired[(r.GetGuid(0), kind, r.GetGuid(1))] = null, cancellationToken);
    }

    /// <summary>
    /// For a full compile: every lab record that should exist (resources with a node, their active
    /// unpruned bookings, linked accounts) and every one stored, so those of gone rows are removed.
    /// </summary>
    internal static async Task AddEveryLabRecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChangePlan plan, DateTimeOffset bookingCutoff, CancellationToken cancellationToken)
    {
        await RightsLoader.ReadAsync(connection, transaction, "SELECT id FROM booking_resources WHERE node_id IS NOT NULL", [],
            r => plan.ResourceRecords.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        await RightsLoader.ReadAsync(connection, transaction, $"""
            SELECT b.id FROM bookings b JOIN booking_resources r ON r.id = b.resource_id
            LEFT JOIN booking_rules ru ON ru.resource_id = b.resource_id
            WHERE b.status IN {ActiveStatuses} AND r.node_id IS NOT NULL AND {RightsLoader.WindowEndSql} >= $1
            """, [bookingCutoff.ToUniversalTime()], r => plan.BookingRecords.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        await RightsLoader.ReadAsync(connection, transaction, "SELECT id FROM node_accounts WHERE person_id IS NOT NULL", [],
            r => plan.NodeAccountRecords.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        await RightsLoader.ReadAsync(connection, transaction, "SELECT kind, entity_id FROM replica_records WHERE kind IN (6, 7, 8)", [], r =>
        {
            _ = (RecordKind)r.GetInt16(0) switch
            {
                RecordKind.Resource => plan.ResourceRecords.Add(r.GetGuid(1)),
                RecordKind.Booking => plan.BookingRecords.Add(r.GetGuid(1)),
                _ => plan.NodeAccountRecords.Add(r.GetGuid(1)),
            };
        }, cancellationToken).ConfigureAwait(false);
    }
}
