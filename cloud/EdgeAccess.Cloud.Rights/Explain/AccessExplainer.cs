using System.Diagnostics;
using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights.Compiler;
using EdgeAccess.Schedules;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace EdgeAccess.Cloud.Rights.Explain;

/// <summary>
/// Answers "why may (or may not) this card open this door at T?" and "who can open this door at
/// T?" from the hub's model, the way the door's edge would decide: in the site's local time, on
/// the compiled rights.
/// </summary>
/// <remarks>
/// The grant paths that contribute come from <see cref="RightsCalculator"/> itself (its explain
/// callback), so the explanation cannot drift from what the compiler publishes; the paths that
/// do not contribute (through an inactive group) are found by walking the whole group graph. The
/// decision then follows the edge: card status, card validity, holder, any compiled term, any term
/// valid at T, any of those whose schedule admits T. Each query reads one snapshot.
/// </remarks>
public sealed partial class AccessExplainer(ILogger<AccessExplainer> logger)
{
    /// <summary>
    /// Explains the decision for the card <paramref name="cardId"/> at <paramref name="doorId"/>
    /// at <paramref name="at"/>. An unknown card gives <see cref="AccessReason.UnknownCard"/>.
    /// </summary>
    /// <returns>The explanation, or null when the door does not exist.</returns>
    public Task<AccessExplanation?> ExplainAsync(HubDbContext db, Guid cardId, Guid doorId, Instant at, CancellationToken cancellationToken) =>
        RunAsync(db, _ => Task.FromResult<Guid?>(cardId), doorId, at, cancellationToken);

    /// <summary>
    /// As <see cref="ExplainAsync"/>, for the card whose stored number hash is
    /// <paramref name="numberHash"/> (see <c>CardNumberHasher</c>); no such card gives
    /// <see cref="AccessReason.UnknownCard"/>.
    /// </summary>
    /// <returns>The explanation, or null when the door does not exist.</returns>
    public Task<AccessExplanation?> ExplainByNumberHashAsync(HubDbContext db, byte[] numberHash, Guid doorId, Instant at, CancellationToken cancellationToken) =>
        RunAsync(db, async ct => await db.Cards.AsNoTracking().Where(c => c.NumberHash == numberHash)
            .Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct).ConfigureAwait(false), doorId, at, cancellationToken);

    private async Task<AccessExplanation?> RunAsync(HubDbContext db, Func<CancellationToken, Task<Guid?>> findCard, Guid doorId, Instant at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        using var activity = RightsTelemetry.ActivitySource.StartActivity("access.explain");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("edgeaccess.door", doorId.ToString());
        }

        await using var snapshot = await ReadSnapshot.BeginAsync(db, cancellationToken).ConfigureAwait(false);
        var door = await LoadDoorAsync(db, doorId, cancellationToken).ConfigureAwait(false);
        if (door is null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "door not found");
            return null;
        }

        var cardId = await findCard(cancellationToken).ConfigureAwait(false);
        var row = cardId is { } id
            ? await db.Cards.AsNoTracking().Where(c => c.Id == id)
                .Select(c => new { c.Id, c.PersonId, c.LastDigits, c.Status, c.ValidFrom, c.ValidTo, PinSet = c.PinHash != null })
                .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var explanation = new AccessExplanation { Reason = AccessReason.UnknownCard, At = at, LocalTime = at.InZone(door.Zone), Door = door };
        if (row is not null)
        {
            var card = new CardFacts(row.Id, row.PersonId, row.LastDigits, row.Status, Window(row.ValidFrom, row.ValidTo), row.PinSet);
            var person = await db.People.AsNoTracking().Where(p => p.Id == card.PersonId)
                .Select(p => new PersonFacts(p.Id, p.DisplayName, p.Active)).SingleAsync(cancellationToken).ConfigureAwait(false);
            var paths = await PathsAsync(db, snapshot, card, door, at, cancellationToken).ConfigureAwait(false);
            var (reason, pin) = Decide(card, person, paths, at);
            explanation = explanation with { Reason = reason, PinRequired = pin, Card = card, Person = person, Paths = paths };
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("edgeaccess.card", explanation.Card?.Id.ToString());
            activity.SetTag("edgeaccess.access.reason", explanation.Reason.ToString());
            activity.SetTag("edgeaccess.access.granted", explanation.Granted);
            activity.SetTag("edgeaccess.access.paths", explanation.Paths.Count);
        }

        ExplainLog.Explained(logger, explanation.Card?.Id ?? Guid.Empty, doorId, explanation.Reason, explanation.Paths.Count);
        return explanation;
    }

    /// <summary>
    /// The edge's decision: card status, card validity, holder, then the compiled terms — any at
    /// all, any valid at <paramref name="at"/>, any of those whose schedule admits it. A PIN is
    /// needed when every admitting term needs one. Denied by schedules, a holiday closing any valid
    /// term's schedule makes the reason <see cref="AccessReason.Holiday"/>.
    /// </summary>
    internal static (AccessReason Reason, bool PinRequired) Decide(CardFacts card, PersonFacts person, IReadOnlyList<AccessPath> paths, Instant at)
    {
        if (card.Status != Data.Entities.CardStatus.Active)
        {
            return (card.Status == Data.Entities.CardStatus.Lost ? AccessReason.CardLost : AccessReason.CardBlocked, false);
        }

        if (card.Validity.From is { } from && at < from)
        {
            return (AccessReason.CardNotYetValid, false);
        }

        if (card.Validity.To is { } to && at >= to)
        {
            return (AccessReason.CardExpired, false);
        }

        if (!person.Active)
        {
            return (AccessReason.PersonInactive, false);
        }

        var compiled = paths.Where(p => p.Compiled).ToList();
        if (compiled.Count == 0)
        {
            return (AccessReason.NoRight, false);
        }

        var valid = compiled.Where(p => p.ValidAtTime).ToList();
        if (valid.Count == 0)
        {
            return (AccessReason.NotValidAtTime, false);
        }

        var admitting = valid.Where(p => p.Schedule is { Allowed: true }).ToList();
        if (admitting.Count > 0)
        {
            return (AccessReason.Granted, admitting.All(p => p.RequiresPin));
        }

        return (valid.Any(p => p.Schedule is { Reason: ScheduleReason.Holiday }) ? AccessReason.Holiday : AccessReason.OutsideSchedule, false);
    }

    private async Task<DoorFacts?> LoadDoorAsync(HubDbContext db, Guid doorId, CancellationToken cancellationToken)
    {
        var row = await db.Doors.AsNoTracking().Where(d => d.Id == doorId)
            .Join(db.Sites, d => d.SiteId, s => s.Id, (d, s) => new { d.Id, d.Name, d.SiteId, SiteName = s.Name, s.TimeZone, d.RequiresPin })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(row.TimeZone);
        if (zone is null)
        {
            ExplainLog.UnknownTimeZone(logger, row.SiteId, row.TimeZone);
        }

        return new DoorFacts(row.Id, row.Name, row.SiteId, row.SiteName, zone ?? DateTimeZone.Utc, row.RequiresPin);
    }

    internal static ValidityWindow Window(DateTimeOffset? from, DateTimeOffset? to) =>
        new(from is { } f ? Instant.FromDateTimeOffset(f) : null, to is { } t ? Instant.FromDateTimeOffset(t) : null);
}
