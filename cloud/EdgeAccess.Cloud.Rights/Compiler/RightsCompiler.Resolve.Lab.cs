using Npgsql;

namespace EdgeAccess.Cloud.Rights.Compiler;

public sealed partial class RightsCompiler
{
    /// <summary>
    /// Expands the lab-record seeds only the database can (see <c>ChangePlan.AddLabSeeds</c>) into
    /// the records to republish. Run before and after the save like every resolution: before, it
    /// still sees the bookings of a resource that loses its node and the accounts of a person or a
    /// node about to be deleted; after, those of a resource that gains one.
    /// </summary>
    private static async Task ResolveLabRecordsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChangePlan plan, CancellationToken cancellationToken)
    {
        if (plan.ResourceBookingRecords.Count > 0)
        {
            await RightsLoader.ReadAsync(connection, transaction, "SELECT id FROM bookings WHERE resource_id = ANY($1) AND status IN (1, 2, 3)",
                [plan.ResourceBookingRecords.ToArray()], r => plan.BookingRecords.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        }

        if (plan.PersonNodeAccounts.Count > 0)
        {
            await RightsLoader.ReadAsync(connection, transaction, "SELECT id FROM node_accounts WHERE person_id = ANY($1)",
                [plan.PersonNodeAccounts.ToArray()], r => plan.NodeAccountRecords.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        }

        if (plan.NodeNodeAccounts.Count > 0)
        {
            await RightsLoader.ReadAsync(connection, transaction, "SELECT id FROM node_accounts WHERE node_id = ANY($1)",
                [plan.NodeNodeAccounts.ToArray()], r => plan.NodeAccountRecords.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        }
    }
}
