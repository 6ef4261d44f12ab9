using System.Diagnostics;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Data.Feed;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EdgeAccess.Cloud.Rights.Compiler;

/// <summary>
/// Compiles effective rights (card × door → merged terms) and the other replicated records, diffs
/// them against the stored state and publishes only real changes to the site feeds. The incremental
/// path recompiles the people and doors a change can affect; <see cref="FullCompileAsync"/> recompiles
/// everything and doubles as the consistency check.
/// </summary>
/// <remarks>
/// Compiling depends on the time in one way only: a booking whose access window ended more than
/// <see cref="BookingPruneOptions.Retention"/> before the compile's now is left out (its right terms
/// and its record), so incremental and full compiles agree at any given clock.
/// </remarks>
public sealed partial class RightsCompiler(ILogger<RightsCompiler> logger, TimeProvider time, IOptions<BookingPruneOptions> pruning)
{
    /// <summary>Bookings whose access window ended before this are no longer compiled at <paramref name="now"/>.</summary>
    public DateTimeOffset BookingCutoff(DateTimeOffset now) => (now - pruning.Value.Retention).ToUniversalTime();

    internal static (NpgsqlConnection Connection, NpgsqlTransaction Transaction) Connection(HubDbContext db) =>
        ((NpgsqlConnection)db.Database.GetDbConnection(),
         (NpgsqlTransaction)(db.Database.CurrentTransaction ?? throw new InvalidOperationException("compiling needs a transaction")).GetDbTransaction());

    /// <summary>Publishes the plan's records and the rights in <paramref name="scope"/>; returns the entries published.</summary>
    internal async Task<int> PublishAsync(HubDbContext db, ChangePlan plan, RightsScope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (connection, transaction) = Connection(db);
        foreach (var site in plan.NewSites)
        {
            await FeedPublisher.CreateHeadAsync(connection, transaction, site, now, cancellationToken).ConfigureAwait(false);
        }

        var cutoff = BookingCutoff(now);
        var changes = await ReplicaRecords.DiffAsync(connection, transaction, plan, cutoff, cancellationToken).ConfigureAwait(false);
        if (!scope.IsEmpty)
        {
            changes.AddRange(await DiffRightsAsync(connection, transaction, scope, cutoff, cancellationToken).ConfigureAwait(false));
        }

        await FeedPublisher.PublishAsync(connection, transaction, changes, now, cancellationToken).ConfigureAwait(false);
        return changes.Count;
    }

    /// <summary>
    /// Computes the rights in <paramref name="scope"/>, leaving out bookings whose access window
    /// ended before <paramref name="bookingCutoff"/>, and returns how they differ from the stored ones.
    /// </summary>
    internal async Task<List<ReplicaChange>> DiffRightsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RightsScope scope, DateTimeOffset bookingCutoff, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = RightsTelemetry.ActivitySource.StartActivity("rights.compile");
        var model = await RightsLoader.LoadAsync(connection, transaction, scope.Everything ? null : scope.People.Keys, scope.Cards, bookingCutoff, cancellationToken).ConfigureAwait(false);

        // A card in scope is recompiled on every door, whoever holds it.
        foreach (var person in model.People.Values.Where(p => p.Cards.Any(c => scope.Cards.Contains(c.Id))))
        {
            scope.AddPerson(person.Id, null);
        }

        var desired = new List<CompiledRight>();
        foreach (var person in model.People.Values)
        {
            if (scope.Everything)
            {
                RightsCalculator.Compute(model, person, static _ => true, desired);
            }
            else if (scope.People.TryGetValue(person.Id, out var doors))
            {
                RightsCalculator.Compute(model, person, doors is null ? static _ => true : doors.Contains, desired);
            }
        }

        var desiredByKey = new Dictionary<(Guid Card, Guid Door), CompiledRight>(desired.Count);
        foreach (var right in desired)
        {
            desiredByKey[(right.CardId, right.DoorId)] = right;
        }

        var cards = scope.Everything ? null : model.People.Values.SelectMany(p => p.Cards).Select(c => c.Id).Concat(scope.Cards).Distinct().ToArray();

        // When every person in scope is limited to some doors (a group or scheme change), read only
        // those doors' stored rights: a change on two doors for 10k people must not read all of
        // their rights.
        var doorsOnly = cards is not null && scope.Cards.Count == 0 && scope.People.Values.All(d => d is not null)
            ? scope.People.Values.SelectMany(d => d!).Distinct().ToArray()
            : null;
        var changes = new List<ReplicaChange>();
        await RightsLoader.ReadAsync(connection, transaction, cards is null
            ? "SELECT card_id, door_id, person_id, site_id, terms FROM effective_rights"
            : doorsOnly is null
                ? "SELECT card_id, door_id, person_id, site_id, terms FROM effective_rights WHERE card_id = ANY($1)"
                : "SELECT card_id, door_id, person_id, site_id, terms FROM effective_rights WHERE card_id = ANY($1) AND door_id = ANY($2)",
            cards is null ? [] : doorsOnly is null ? [cards] : [cards, doorsOnly], r =>
            {
                var key = (r.GetGuid(0), r.GetGuid(1));
                if (!scope.Covers(r.GetGuid(2), key.Item1, key.Item2))
                {
                    return;
                }

                var terms = r.GetFieldValue<byte[]>(4);
                if (desiredByKey.Remove(key, out var wanted))
                {
                    if (!terms.AsSpan().SequenceEqual(wanted.Terms) || wanted.PersonId != r.GetGuid(2) || wanted.SiteId != r.GetGuid(3))
                    {
                        changes.Add(new ReplicaChange(wanted.SiteId, RecordKind.Right, wanted.CardId, wanted.DoorId, wanted.Terms, wanted.PersonId));
                    }
                }
                else
                {
                    changes.Add(new ReplicaChange(r.GetGuid(3), RecordKind.Right, key.Item1, key.Item2, null, r.GetGuid(2)));
                }
            }, cancellationToken).ConfigureAwait(false);

        foreach (var wanted in desiredByKey.Values)
        {
            changes.Add(new ReplicaChange(wanted.SiteId, RecordKind.Right, wanted.CardId, wanted.DoorId, wanted.Terms, wanted.PersonId));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        foreach (var site in changes.Select(c => c.SiteId).Distinct())
        {
            RightsTelemetry.CompileDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("edgeaccess.site", site.ToString()));
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("edgeaccess.rights.people", model.People.Count);
            activity.SetTag("edgeaccess.rights.computed", desired.Count);
            activity.SetTag("edgeaccess.rights.changed", changes.Count);
            activity.SetTag("edgeaccess.rights.full", scope.Everything);
        }

        LogCompiled(logger, model.People.Count, desired.Count, changes.Count, elapsed.TotalMilliseconds);
        return changes;
    }

    [LoggerMessage(3110, LogLevel.Debug, "Compiled rights of {People} people: {Rights} rights, {Changes} changes in {ElapsedMs:F1} ms", EventName = "RightsCompiled")]
    private static partial void LogCompiled(ILogger logger, int people, int rights, int changes, double elapsedMs);
}
