using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Feed;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EdgeAccess.Cloud.Rights.Compiler;

/// <summary>The outcome of a full compile or a consistency check.</summary>
/// <param name="RightsChanged">Rights rows that differed from a fresh compile (and were republished, for a full compile).</param>
/// <param name="RecordsChanged">Site, door, card, schedule, resource, booking and node-account records that differed.</param>
public sealed record CompileReport(int RightsChanged, int RecordsChanged)
{
    /// <summary>True when the stored state equals a fresh compile.</summary>
    public bool Consistent => RightsChanged == 0 && RecordsChanged == 0;
}

public sealed partial class RightsCompiler
{
    /// <summary>
    /// Recompiles every right and record from the model and publishes whatever differs, in one
    /// transaction. On a consistent hub it publishes nothing; it also bootstraps a bulk-loaded model.
    /// <paramref name="now"/> stamps the entries and decides which ended bookings are pruned
    /// (<see cref="BookingCutoff"/>), so it also repairs what a missed pruner run left behind.
    /// </summary>
    public async Task<CompileReport> FullCompileAsync(HubDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        try
        {
            var (connection, transaction) = Connection(db);
            var cutoff = BookingCutoff(now);
            var plan = await EverythingPlanAsync(connection, transaction, cutoff, cancellationToken).ConfigureAwait(false);
            var records = await ReplicaRecords.DiffAsync(connection, transaction, plan, cutoff, cancellationToken).ConfigureAwait(false);
            var rights = await DiffRightsAsync(connection, transaction, RightsScope.All, cutoff, cancellationToken).ConfigureAwait(false);
            await FeedPublisher.PublishAsync(connection, transaction, [.. records, .. rights], now, cancellationToken).ConfigureAwait(false);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return new CompileReport(rights.Count, records.Count);
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The consistency check: compiles everything afresh at the <see cref="TimeProvider"/>'s now and
    /// counts what differs from the stored state, writing nothing. After any sequence of incremental
    /// changes it must report consistent, once the bookings that ended more than the retention ago
    /// are pruned (see <see cref="BookingPruneOptions"/>).
    /// </summary>
    public async Task<CompileReport> VerifyAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var (connection, npgsqlTransaction) = Connection(db);
        var cutoff = BookingCutoff(time.GetUtcNow());
        var plan = await EverythingPlanAsync(connection, npgsqlTransaction, cutoff, cancellationToken).ConfigureAwait(false);
        var records = await ReplicaRecords.DiffAsync(connection, npgsqlTransaction, plan, cutoff, cancellationToken).ConfigureAwait(false);
        var rights = await DiffRightsAsync(connection, npgsqlTransaction, RightsScope.All, cutoff, cancellationToken).ConfigureAwait(false);
        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        return new CompileReport(rights.Count, records.Count);
    }

    private static async Task<ChangePlan> EverythingPlanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset bookingCutoff, CancellationToken cancellationToken)
    {
        var plan = new ChangePlan();
        await RightsLoader.ReadAsync(connection, transaction, "SELECT id FROM sites", [], r => plan.Sites.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        await RightsLoader.ReadAsync(connection, transaction, "SELECT id, site_id FROM doors", [], r => plan.Doors[r.GetGuid(0)] = Guid.Empty, cancellationToken).ConfigureAwait(false);
        await RightsLoader.ReadAsync(connection, transaction, "SELECT id FROM cards", [], r => plan.CardRecords.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        await RightsLoader.ReadAsync(connection, transaction, "SELECT id FROM schedules", [], r => plan.Schedules[r.GetGuid(0)] = Guid.Empty, cancellationToken).ConfigureAwait(false);

        // Records of entities that no longer exist must go too.
        await RightsLoader.ReadAsync(connection, transaction, "SELECT kind, entity_id, site_id FROM replica_records WHERE kind IN (2, 3, 4)", [], r =>
        {
            switch (r.GetInt16(0))
            {
                case 2: plan.Doors.TryAdd(r.GetGuid(1), r.GetGuid(2)); break;
                case 3: plan.CardRecords.Add(r.GetGuid(1)); break;
                case 4: plan.Schedules.TryAdd(r.GetGuid(1), r.GetGuid(2)); break;
            }
        }, cancellationToken).ConfigureAwait(false);
        await ReplicaRecords.AddEveryLabRecordAsync(connection, transaction, plan, bookingCutoff, cancellationToken).ConfigureAwait(false);
        return plan;
    }
}
