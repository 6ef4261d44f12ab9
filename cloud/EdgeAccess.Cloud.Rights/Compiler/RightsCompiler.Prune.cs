using EdgeAccess.Cloud.Data;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using RecordKind = EdgeAccess.Cloud.Data.Entities.RecordKind;

namespace EdgeAccess.Cloud.Rights.Compiler;

/// <summary>Where a pruning pass stands: the last booking looked at, in (window end, id) order.</summary>
public readonly record struct PruneCursor(DateTimeOffset WindowEnd, Guid BookingId);

/// <summary>What one batch of <see cref="RightsCompiler.PruneEndedBookingsAsync"/> did.</summary>
/// <param name="Examined">Ended bookings looked at (at most the batch size; fewer: the pass is done).</param>
/// <param name="Pruned">Those that still held a right term or a record, and were recompiled.</param>
/// <param name="Published">Feed entries the recompile published.</param>
/// <param name="Next">Where the next batch starts; null when nothing was examined.</param>
public readonly record struct PruneBatch(int Examined, int Pruned, int Published, PruneCursor? Next);

public sealed partial class RightsCompiler
{
    private const string EndedBookingsSql = $"""
        SELECT b.id, b.person_id, b.resource_id,
               b.starts_at - make_interval(mins => COALESCE(ru.early_entry_minutes, 0)), {RightsLoader.WindowEndSql}
        FROM bookings b LEFT JOIN booking_rules ru ON ru.resource_id = b.resource_id
        WHERE b.status IN (1, 2, 3) AND {RightsLoader.WindowEndSql} >= $1 AND {RightsLoader.WindowEndSql} < $2
          AND ({RightsLoader.WindowEndSql}, b.id) > ($3, $4)
        ORDER BY {RightsLoader.WindowEndSql}, b.id
        LIMIT $5
        """;

    // The stored rights of each (person, resource) pair on the resource's doors.
    private const string PairRightsSql = """
        SELECT k.person_id, k.resource_id, er.terms
        FROM unnest($1::uuid[], $2::uuid[]) k(person_id, resource_id)
        JOIN booking_resource_doors rd ON rd.resource_id = k.resource_id
        JOIN cards c ON c.person_id = k.person_id
        JOIN effective_rights er ON er.card_id = c.id AND er.door_id = rd.door_id
        """;

    /// <summary>
    /// One batch of pruning, in its own transaction: looks at up to <paramref name="limit"/> active
    /// bookings whose access window ended in [<paramref name="since"/>, <see cref="BookingCutoff"/>
    /// of <paramref name="now"/>), after <paramref name="after"/>, and recompiles those that still
    /// hold something in the compiled state — a <c>BookingRecord</c>, or an unscheduled right term
    /// overlapping their window on a door of their resource — so their terms and records leave the
    /// feed. Idempotent: a booking already pruned holds nothing and is only looked at.
    /// </summary>
    public async Task<PruneBatch> PruneEndedBookingsAsync(
        HubDbContext db, DateTimeOffset since, DateTimeOffset now, PruneCursor? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var (connection, npgsqlTransaction) = Connection(db);
        var ended = new List<EndedBooking>();
        await RightsLoader.ReadAsync(connection, npgsqlTransaction, EndedBookingsSql,
            [since.ToUniversalTime(), BookingCutoff(now).ToUniversalTime(), (after?.WindowEnd ?? since).ToUniversalTime(), after?.BookingId ?? Guid.Empty, limit],
            r => ended.Add(new EndedBooking(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4))),
            cancellationToken).ConfigureAwait(false);
        if (ended.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new PruneBatch(0, 0, 0, null);
        }

        var held = await StillCompiledAsync(connection, npgsqlTransaction, ended, cancellationToken).ConfigureAwait(false);
        var published = 0;
        if (held.Count > 0)
        {
            var plan = ChangePlan.ForBookings(held.Select(b => (b.Id, b.PersonId, b.ResourceId)));
            var scope = await ResolveAsync(db, plan, cancellationToken).ConfigureAwait(false);
            published = await PublishAsync(db, plan, scope, now, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var last = ended[^1];
        return new PruneBatch(ended.Count, held.Count, published, new PruneCursor(last.WindowEnd, last.Id));
    }

    /// <summary>The bookings of <paramref name="ended"/> that still have a record or an unscheduled term overlapping their window.</summary>
    private static async Task<List<EndedBooking>> StillCompiledAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<EndedBooking> ended, CancellationToken cancellationToken)
    {
        var recorded = new HashSet<Guid>();
        await RightsLoader.ReadAsync(connection, transaction,
            "SELECT entity_id FROM replica_records WHERE site_id IN (SELECT id FROM sites) AND kind = $1 AND entity_id = ANY($2)",
            [(short)RecordKind.Booking, ended.Select(b => b.Id).ToArray()], r => recorded.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);

        // Unscheduled terms are the bookings' (RightsCalculator.NoSchedule), merged per card x door.
        var terms = new Dictionary<(Guid Person, Guid Resource), List<(DateTimeOffset? From, DateTimeOffset? To)>>();
        var pairs = ended.Where(b => !recorded.Contains(b.Id)).Select(b => (b.PersonId, b.ResourceId)).Distinct().ToList();
        if (pairs.Count > 0)
        {
            await RightsLoader.ReadAsync(connection, transaction, PairRightsSql, [pairs.Select(p => p.PersonId).ToArray(), pairs.Select(p => p.ResourceId).ToArray()], r =>
            {
                var key = (r.GetGuid(0), r.GetGuid(1));
                if (!terms.TryGetValue(key, out var windows))
                {
                    windows = [];
                    terms[key] = windows;
                }

                foreach (var term in RightRecord.Parser.ParseFrom(r.GetFieldValue<byte[]>(2)).Terms)
                {
                    if (RightsCalculator.ScheduleOf(term) == RightsCalculator.NoSchedule)
                    {
                        windows.Add((term.ValidFrom?.ToDateTimeOffset(), term.ValidTo?.ToDateTimeOffset()));
                    }
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        return ended.Where(b => recorded.Contains(b.Id)
            || (terms.TryGetValue((b.PersonId, b.ResourceId), out var windows)
                && windows.Any(w => (w.From is null || w.From < b.WindowEnd) && (w.To is null || b.WindowStart < w.To)))).ToList();
    }

    private readonly record struct EndedBooking(Guid Id, Guid PersonId, Guid ResourceId, DateTimeOffset WindowStart, DateTimeOffset WindowEnd);
}
