using EdgeAccess.Cloud.Data.Entities;
using EdgeAccess.Cloud.Data.Feed;
using EdgeAccess.Protos.V1;
using RecordKind = EdgeAccess.Cloud.Data.Entities.RecordKind;
using Google.Protobuf;
using Npgsql;

namespace EdgeAccess.Cloud.Rights.Compiler;

/// <summary>
/// Builds the replicated records (site, door, card, schedule; resource, booking, node account) a plan touches and diffs them against
/// <c>replica_records</c>. Cards are replicated to every site, so an edge can tell an unknown card
/// from a known card without a right at its doors.
/// </summary>
internal static partial class ReplicaRecords
{
    /// <summary>
    /// The plan's records as they should be now, diffed against the stored ones. Bookings whose
    /// access window ended before <paramref name="bookingCutoff"/> have no record.
    /// </summary>
    public static async Task<List<ReplicaChange>> DiffAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChangePlan plan, DateTimeOffset bookingCutoff, CancellationToken cancellationToken)
    {
        var desired = new Dictionary<(Guid Site, RecordKind Kind, Guid Id), byte[]?>();
        var sites = await SiteIdsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        // Sites
        foreach (var site in await LoadSitesAsync(connection, transaction, [.. plan.Sites], cancellationToken).ConfigureAwait(false))
        {
            desired[(Guid.Parse(site.Id), RecordKind.Site, Guid.Parse(site.Id))] = site.ToByteArray();
        }

        // Doors: present ones on their site; missing (deleted) ones removed from where they were.
        var doors = await LoadDoorsAsync(connection, transaction, [.. plan.Doors.Keys], cancellationToken).ConfigureAwait(false);
        foreach (var (door, siteBefore) in plan.Doors)
        {
            if (siteBefore != Guid.Empty)
            {
                desired[(siteBefore, RecordKind.Door, door)] = null;
            }

            if (doors.TryGetValue(door, out var now))
            {
                desired[(now.Site, RecordKind.Door, door)] = now.Record.ToByteArray();
            }
        }

        // Cards go to every site; a new site receives every card.
        var cardIds = plan.CardRecords.ToList();
        var cards = await LoadCardsAsync(connection, transaction, plan.NewSites.Count > 0 ? null : cardIds, cancellationToken).ConfigureAwait(false);
        foreach (var card in cardIds)
        {
            var payload = cards.TryGetValue(card, out var record) ? record.ToByteArray() : null;
            foreach (var site in sites)
            {
                desired[(site, RecordKind.Card, card)] = payload;
            }
        }

        foreach (var site in plan.NewSites.Where(sites.Contains))
        {
            foreach (var (card, record) in cards)
            {
                desired[(site, RecordKind.Card, card)] = record.ToByteArray();
            }
        }

        // Schedules, including those whose holiday calendars changed.
        var scheduleIds = plan.Schedules.Keys.ToHashSet();
        if (plan.Calendars.Count > 0)
        {
            await RightsLoader.ReadAsync(connection, transaction, "SELECT schedule_id FROM schedule_calendars WHERE calendar_id = ANY($1)",
                [plan.Calendars.ToArray()], r => scheduleIds.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        }

        var schedules = await LoadSchedulesAsync(connection, transaction, [.. scheduleIds], cancellationToken).ConfigureAwait(false);
        foreach (var schedule in scheduleIds)
        {
            if (plan.Schedules.TryGetValue(schedule, out var siteBefore) && siteBefore != Guid.Empty)
            {
                desired[(siteBefore, RecordKind.Schedule, schedule)] = null;
            }

            if (schedules.TryGetValue(schedule, out var now))
            {
                desired[(now.Site, RecordKind.Schedule, schedule)] = now.Record.ToByteArray();
            }
        }

        await AddLabRecordsAsync(connection, transaction, plan, sites, bookingCutoff, desired, cancellationToken).ConfigureAwait(false);
        return await DiffAgainstStoredAsync(connection, transaction, desired, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<ReplicaChange>> DiffAgainstStoredAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Dictionary<(Guid Site, RecordKind Kind, Guid Id), byte[]?> desired, CancellationToken cancellationToken)
    {
        var changes = new List<ReplicaChange>();
        if (desired.Count == 0)
        {
            return changes;
        }

        var stored = new Dictionary<(Guid, RecordKind, Guid), byte[]>();
        await RightsLoader.ReadAsync(connection, transaction, """
            SELECT r.site_id, r.kind, r.entity_id, r.payload FROM replica_records r
            JOIN unnest($1::uuid[], $2::smallint[], $3::uuid[]) k(site_id, kind, entity_id)
              ON r.site_id = k.site_id AND r.kind = k.kind AND r.entity_id = k.entity_id
            """,
            [desired.Keys.Select(k => k.Site).ToArray(), desired.Keys.Select(k => (short)k.Kind).ToArray(), desired.Keys.Select(k => k.Id).ToArray()],
            r => stored[(r.GetGuid(0), (RecordKind)r.GetInt16(1), r.GetGuid(2))] = r.GetFieldValue<byte[]>(3), cancellationToken).ConfigureAwait(false);

        // Deterministic order: sites before doors, schedules and cards, as an edge applying a
        // feed in order expects a door's site to exist first; and a resource (6) before its
        // bookings (7) and the node accounts (8) that own their processes.
        foreach (var ((site, kind, id), payload) in desired.OrderBy(d => d.Key.Kind).ThenBy(d => d.Key.Site).ThenBy(d => d.Key.Id))
        {
            var has = stored.TryGetValue((site, kind, id), out var current);
            if (payload is null ? has : !has || !current!.AsSpan().SequenceEqual(payload))
            {
                changes.Add(new ReplicaChange(site, kind, id, null, payload));
            }
        }

        return changes;
    }

    private static async Task<HashSet<Guid>> SiteIdsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var sites = new HashSet<Guid>();
        await RightsLoader.ReadAsync(connection, transaction, "SELECT id FROM sites", [], r => sites.Add(r.GetGuid(0)), cancellationToken).ConfigureAwait(false);
        return sites;
    }
}
