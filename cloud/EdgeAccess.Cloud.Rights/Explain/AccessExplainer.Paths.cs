using EdgeAccess.Cloud.Data;
using EdgeAccess.Cloud.Rights.Compiler;
using EdgeAccess.Schedules;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace EdgeAccess.Cloud.Rights.Explain;

public sealed partial class AccessExplainer
{
    /// <summary>
    /// Every grant path from the card's holder to the door, evaluated at <paramref name="at"/>.
    /// Contributing paths are the calculator's own <see cref="TermSource"/>s; the others are the
    /// schemes on the door that a membership reaches only through an inactive group. Pending,
    /// cancelled and rejected bookings are not paths (they never grant).
    /// </summary>
    private async Task<IReadOnlyList<AccessPath>> PathsAsync(HubDbContext db, ReadSnapshot snapshot, CardFacts card, DoorFacts door, Instant at, CancellationToken cancellationToken)
    {
        var model = await RightsLoader.LoadAsync(snapshot.Connection, snapshot.Transaction, [card.PersonId], null, cancellationToken).ConfigureAwait(false);
        var person = model.Person(card.PersonId);

        // The calculator holds nothing for an inactive person; explain what the paths would give
        // (the decision still says PERSON_INACTIVE first).
        var active = person.Active;
        person.Active = true;
        var sources = new List<TermSource>();
        RightsCalculator.Compute(model, person, d => d == door.Id, [], sources.Add);
        person.Active = active;

        var schemes = (await db.AccessSchemeDoors.AsNoTracking().Where(d => d.DoorId == door.Id)
            .Join(db.AccessSchemes, d => d.SchemeId, s => s.Id, (d, s) => s)
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Id);
        var grantReasons = await db.DirectGrants.AsNoTracking().Where(g => g.PersonId == card.PersonId && g.DoorId == door.Id)
            .ToDictionaryAsync(g => g.Id, g => g.Reason, cancellationToken).ConfigureAwait(false);

        var drafts = new List<PathDraft>();
        foreach (var source in sources)
        {
            if (source.GrantId is { } grantId)
            {
                var grant = person.Grants.First(g => g.Id == grantId);
                drafts.Add(new PathDraft(AccessPathKind.DirectGrant, true, [], null, null, grant, grantReasons.GetValueOrDefault(grantId, ""), source.ScheduleId, source.RequiresPin, source.Window));
            }
            else if (source.BookingId is { } bookingId)
            {
                var booking = person.Bookings.First(b => b.Id == bookingId);
                drafts.Add(new PathDraft(AccessPathKind.Booking, true, [], null, null, null, "", source.ScheduleId, source.RequiresPin, source.Window, booking));
            }
            else if (source.SchemeId is { } schemeId && schemes.TryGetValue(schemeId, out var scheme))
            {
                var membership = person.Memberships.First(m => m.GroupId == source.GroupChain[0]);
                drafts.Add(new PathDraft(AccessPathKind.Scheme, true, source.GroupChain, membership, scheme, null, "", source.ScheduleId, source.RequiresPin, source.Window));
            }
        }

        // Schemes a membership reaches only through inactive groups: the shortest such chain.
        var compiled = sources.Where(s => s.SchemeId is not null).Select(s => (s.GroupChain[0], s.SchemeId!.Value)).ToHashSet();
        foreach (var membership in person.Memberships)
        {
            var chains = AllChains(model, membership.GroupId);
            foreach (var scheme in schemes.Values.Where(s => chains.ContainsKey(s.GroupId) && !compiled.Contains((membership.GroupId, s.Id))))
            {
                var window = membership.Window.Intersect(Window(scheme.ValidFrom, scheme.ValidTo));
                drafts.Add(new PathDraft(AccessPathKind.Scheme, false, chains[scheme.GroupId], membership, scheme, null, "", scheme.ScheduleId, scheme.RequiresPin || door.RequiresPin, window));
            }
        }

        var book = new ScheduleBook(snapshot.Connection, snapshot.Transaction, logger);
        await book.LoadAsync(drafts.Select(d => d.ScheduleId), cancellationToken).ConfigureAwait(false);
        return [.. drafts.Select(d => Evaluate(d, model, card, door, at, book))
            .OrderBy(p => p.Admits ? 0 : p.Compiled ? 1 : 2)
            .ThenBy(p => p.Kind)
            .ThenBy(p => p.SchemeName, StringComparer.Ordinal)
            .ThenBy(p => p.Groups.Count)];
    }

    /// <summary>
    /// Every group a membership of <paramref name="start"/> reaches up the nesting, active or not,
    /// each with its shortest chain (breadth first, so the graph's size bounds the work).
    /// </summary>
    internal static Dictionary<Guid, IReadOnlyList<Guid>> AllChains(RightsModel model, Guid start)
    {
        var chains = new Dictionary<Guid, IReadOnlyList<Guid>>();
        if (!model.Groups.ContainsKey(start))
        {
            return chains;
        }

        chains[start] = [start];
        var queue = new Queue<Guid>([start]);
        while (queue.Count > 0)
        {
            var group = queue.Dequeue();
            foreach (var parent in model.Groups[group].Parents)
            {
                if (model.Groups.ContainsKey(parent) && !chains.ContainsKey(parent))
                {
                    chains[parent] = [.. chains[group], parent];
                    queue.Enqueue(parent);
                }
            }
        }

        return chains;
    }

    /// <summary>A grant path before evaluation.</summary>
    private sealed record PathDraft(
        AccessPathKind Kind,
        bool FromCompiler,
        IReadOnlyList<Guid> Chain,
        MembershipInfo? Membership,
        Data.Entities.AccessScheme? Scheme,
        GrantInfo? Grant,
        string GrantReason,
        Guid ScheduleId,
        bool RequiresPin,
        ValidityWindow Window,
        BookingInfo? Booking = null);
}
