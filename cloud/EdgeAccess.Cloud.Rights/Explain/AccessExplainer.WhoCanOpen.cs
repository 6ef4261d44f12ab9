using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights.Compiler;
using EdgeAccess.Protos.V1;
using EdgeAccess.Schedules;
using NodaTime;

namespace EdgeAccess.Cloud.Rights.Explain;

/// <summary>Which part of who-can-open to answer: keyset by card id.</summary>
/// <param name="AfterCardId">Answer cards after this one (null: from the first).</param>
/// <param name="Limit">The most entries to answer (ask one more than a page to know there is another).</param>
/// <param name="IncludePinRequired">Also answer cards that can open only with their PIN.</param>
public sealed record WhoCanOpenQuery(Guid? AfterCardId, int Limit, bool IncludePinRequired);

/// <summary>The cards that can open a door at an instant, ordered by card id.</summary>
/// <param name="Door">The door and its site.</param>
/// <param name="At">The instant evaluated.</param>
/// <param name="LocalTime">The instant in the site's time zone.</param>
/// <param name="Entries">At most <see cref="WhoCanOpenQuery.Limit"/> cards.</param>
public sealed record WhoCanOpenResult(DoorFacts Door, Instant At, ZonedDateTime LocalTime, IReadOnlyList<WhoCanOpenEntry> Entries);

/// <summary>A card that can open the door, with the compiled terms that admit it.</summary>
/// <param name="CardId">The card.</param>
/// <param name="CardLastDigits">Its last digits (never the number).</param>
/// <param name="PersonId">The holder.</param>
/// <param name="PersonDisplayName">The holder's name.</param>
/// <param name="PinRequired">Every admitting term needs the PIN.</param>
/// <param name="PinSet">The card has a PIN.</param>
/// <param name="Terms">The admitting terms.</param>
public sealed record WhoCanOpenEntry(Guid CardId, string CardLastDigits, Guid PersonId, string PersonDisplayName, bool PinRequired, bool PinSet, IReadOnlyList<WhoCanOpenTerm> Terms);

/// <summary>A compiled term that admits a card.</summary>
/// <param name="ScheduleId">The term's schedule.</param>
/// <param name="ScheduleName">The schedule's name.</param>
/// <param name="Validity">The term's (merged) validity.</param>
/// <param name="RequiresPin">The term needs the PIN.</param>
/// <param name="Verdict">The schedule at the instant in the site's local time.</param>
public sealed record WhoCanOpenTerm(Guid ScheduleId, string ScheduleName, ValidityWindow Validity, bool RequiresPin, ScheduleVerdict Verdict);

public sealed partial class AccessExplainer
{
    // The door's compiled rights of usable cards (active, valid at T, holder active), by card id.
    private const string RightsOfDoorSql = """
        SELECT r.card_id, r.person_id, r.terms, c.last_digits, c.pin_hash IS NOT NULL, p.display_name
        FROM effective_rights r
        JOIN cards c ON c.id = r.card_id AND c.person_id = r.person_id
        JOIN people p ON p.id = r.person_id
        WHERE r.door_id = $1 AND r.card_id > $2 AND c.status = 0 AND p.active
          AND (c.valid_from IS NULL OR c.valid_from <= $3) AND (c.valid_to IS NULL OR c.valid_to > $3)
        ORDER BY r.card_id
        LIMIT $4
        """;

    /// <summary>
    /// The cards that can open <paramref name="doorId"/> at <paramref name="at"/>: from the door's
    /// compiled rights, each term's window and schedule evaluated at <paramref name="at"/> in the
    /// site's local time, as the edge would.
    /// </summary>
    /// <returns>The page, or null when the door does not exist.</returns>
    public async Task<WhoCanOpenResult?> WhoCanOpenAsync(HubDbContext db, Guid doorId, Instant at, WhoCanOpenQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        using var activity = RightsTelemetry.ActivitySource.StartActivity("access.who_can_open");
        await using var snapshot = await ReadSnapshot.BeginAsync(db, cancellationToken).ConfigureAwait(false);
        var door = await LoadDoorAsync(db, doorId, cancellationToken).ConfigureAwait(false);
        if (door is null)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "door not found");
            return null;
        }

        var book = new ScheduleBook(snapshot.Connection, snapshot.Transaction, logger);
        var entries = new List<WhoCanOpenEntry>();
        var after = query.AfterCardId ?? Guid.Empty;
        var batch = Math.Clamp(query.Limit * 2, 64, 1000);
        var scanned = 0;
        while (entries.Count < query.Limit)
        {
            var rows = new List<(Guid Card, Guid Person, RightRecord Record, string LastDigits, bool PinSet, string Name)>();
            await RightsLoader.ReadAsync(snapshot.Connection, snapshot.Transaction, RightsOfDoorSql, [doorId, after, at.ToDateTimeOffset(), batch],
                r => rows.Add((r.GetGuid(0), r.GetGuid(1), RightRecord.Parser.ParseFrom(r.GetFieldValue<byte[]>(2)), r.GetString(3), r.GetBoolean(4), r.GetString(5))),
                cancellationToken).ConfigureAwait(false);
            scanned += rows.Count;
            await book.LoadAsync(rows.SelectMany(r => r.Record.Terms).Select(RightsCalculator.ScheduleOf), cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                after = row.Card;
                var terms = AdmittingTerms(row.Record, door.Zone, at, book);
                var pin = terms.Count > 0 && terms.All(t => t.RequiresPin);
                if (terms.Count > 0 && (query.IncludePinRequired || !pin))
                {
                    entries.Add(new WhoCanOpenEntry(row.Card, row.LastDigits, row.Person, row.Name, pin, row.PinSet, terms));
                    if (entries.Count == query.Limit)
                    {
                        break;
                    }
                }
            }

            if (rows.Count < batch)
            {
                break;
            }
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("edgeaccess.door", doorId.ToString());
            activity.SetTag("edgeaccess.access.entries", entries.Count);
            activity.SetTag("edgeaccess.access.scanned", scanned);
        }

        ExplainLog.WhoCanOpen(logger, doorId, entries.Count, scanned);
        return new WhoCanOpenResult(door, at, at.InZone(door.Zone), entries);
    }

    /// <summary>The terms of a compiled right that admit the card at <paramref name="at"/>: valid then, and their schedule allows it.</summary>
    internal static List<WhoCanOpenTerm> AdmittingTerms(RightRecord record, DateTimeZone zone, Instant at, ScheduleBook book)
    {
        var admitting = new List<WhoCanOpenTerm>();
        foreach (var term in record.Terms)
        {
            var window = new ValidityWindow(
                term.ValidFrom is { } from ? Instant.FromDateTimeOffset(from.ToDateTimeOffset()) : null,
                term.ValidTo is { } to ? Instant.FromDateTimeOffset(to.ToDateTimeOffset()) : null);
            var schedule = RightsCalculator.ScheduleOf(term);
            if (window.Contains(at) && book.Evaluate(schedule, at, zone) is { Allowed: true } verdict)
            {
                admitting.Add(new WhoCanOpenTerm(schedule, book.Name(schedule), window, term.RequiresPin, verdict));
            }
        }

        return admitting;
    }
}
