using EdgeAccess.Cloud.Rights.Compiler;
using EdgeAccess.Schedules;
using NodaTime;

namespace EdgeAccess.Cloud.Rights.Explain;

public sealed partial class AccessExplainer
{
    /// <summary>Evaluates one path at <paramref name="at"/>: its status is the first thing that stops it.</summary>
    private static AccessPath Evaluate(PathDraft draft, RightsModel model, CardFacts card, DoorFacts door, Instant at, ScheduleBook book)
    {
        var groups = draft.Chain.Select(g => model.Groups[g]).Select(g => new PathGroup(g.Id, g.Name, g.Active)).ToList();
        var effective = draft.Window.Intersect(card.Validity);
        var compiled = draft.FromCompiler && !effective.IsEmpty;
        var verdict = book.Evaluate(draft.ScheduleId, at, door.Zone);
        var scheduleName = book.Name(draft.ScheduleId);
        var membership = draft.Membership?.Window;
        var scheme = draft.Scheme is { } s ? Window(s.ValidFrom, s.ValidTo) : (ValidityWindow?)null;
        var grant = draft.Grant?.Window;
        var booking = draft.Booking?.Window;

        var (status, why) = (draft.FromCompiler, groups.Where(g => !g.Active).ToList()) switch
        {
            (false, { Count: > 0 } inactive) => (AccessPathStatus.InactiveGroup, ExplainText.Inactive(inactive)),
            (false, _) => (AccessPathStatus.NeverValid, "the compiler derives no term from this path"),
            _ when draft.Window.IsEmpty => (AccessPathStatus.NeverValid, draft.Kind == AccessPathKind.Scheme
                ? $"membership {membership} and scheme {scheme} are never valid together"
                : $"grant validity {grant} is empty"),
            _ when effective.IsEmpty => (AccessPathStatus.NeverValid, $"the card's validity {card.Validity} does not overlap {draft.Window}"),
            _ => Timed(membership, scheme, grant, booking, card.Validity, at) ?? Scheduled(verdict, scheduleName, book.Problem(draft.ScheduleId)),
        };

        return new AccessPath
        {
            Kind = draft.Kind,
            Status = status,
            Why = why,
            Compiled = compiled,
            ValidAtTime = effective.Contains(at),
            Groups = groups,
            RoleTitle = draft.Membership?.RoleTitle ?? "",
            MembershipValidity = membership,
            SchemeId = draft.Scheme?.Id,
            SchemeName = draft.Scheme?.Name ?? "",
            SchemeValidity = scheme,
            GrantId = draft.Grant?.Id,
            GrantReason = draft.GrantReason,
            GrantValidity = grant,
            BookingId = draft.Booking?.Id,
            ResourceName = draft.Booking?.ResourceName ?? "",
            BookingValidity = booking,
            EffectiveValidity = effective,
            ScheduleId = draft.ScheduleId,
            ScheduleName = scheduleName,
            Schedule = verdict,
            RequiresPin = draft.RequiresPin,
        };
    }

    /// <summary>The first validity window (membership, scheme, grant, booking, card) that excludes <paramref name="at"/>.</summary>
    private static (AccessPathStatus, string)? Timed(ValidityWindow? membership, ValidityWindow? scheme, ValidityWindow? grant, ValidityWindow? booking, ValidityWindow card, Instant at)
    {
        (ValidityWindow? Window, string Name, AccessPathStatus NotYet, AccessPathStatus Ended)[] checks =
        [
            (membership, "membership", AccessPathStatus.MembershipNotYetValid, AccessPathStatus.MembershipExpired),
            (scheme, "scheme", AccessPathStatus.SchemeNotYetValid, AccessPathStatus.SchemeExpired),
            (grant, "grant", AccessPathStatus.GrantNotYetValid, AccessPathStatus.GrantExpired),
            (booking, "booking's access window", AccessPathStatus.BookingNotYetValid, AccessPathStatus.BookingEnded),
        ];
        foreach (var (window, name, notYet, ended) in checks)
        {
            if (window is { } w && !w.Contains(at))
            {
                return w.From is { } from && at < from
                    ? (notYet, $"the {name} starts {ExplainText.Format(from)}")
                    : (ended, $"the {name} ended {ExplainText.Format(w.To!.Value)}");
            }
        }

        return card.Contains(at) ? null : (AccessPathStatus.CardNotValid, $"the card is valid only {card}");
    }

    /// <summary>The schedule's verdict as a path status.</summary>
    private static (AccessPathStatus, string) Scheduled(ScheduleVerdict? verdict, string scheduleName, string? problem)
    {
        if (verdict is not { } v)
        {
            return (AccessPathStatus.ScheduleUnreadable, $"schedule \"{scheduleName}\" cannot be evaluated: {problem}");
        }

        var status = v.Allowed ? AccessPathStatus.Admits : v.Reason switch
        {
            ScheduleReason.Holiday => AccessPathStatus.Holiday,
            ScheduleReason.SpecialDay => AccessPathStatus.SpecialDay,
            _ => AccessPathStatus.OutsideSchedule,
        };
        return (status, $"schedule \"{scheduleName}\": {v}");
    }
}
