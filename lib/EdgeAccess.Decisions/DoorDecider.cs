using EdgeAccess.Decisions.Internal;
using EdgeAccess.Protos.V1;
using Microsoft.AspNetCore.Identity;

namespace EdgeAccess.Decisions;

/// <summary>
/// Decides one card tap on a <see cref="DecisionIndex"/>, in this order: door known → card known →
/// card status → card validity → lease (degraded policy) → a term valid now → its schedule admits
/// the site's wall-clock time → PIN. The first failing check is the reason.
/// </summary>
/// <remarks>
/// Without a PIN to verify, deciding allocates nothing (two dictionary look-ups, a binary search,
/// a few schedule evaluations). PIN verification is PBKDF2 (ASP.NET Core Identity v3 hashes) and is
/// slow on purpose; it runs only after every other check passed.
/// </remarks>
public static class DoorDecider
{
    private static readonly PasswordHasher<object> PinHasher = new();
    private static readonly object PinUser = new();

    /// <summary>Decides a tap.</summary>
    /// <param name="index">The index to decide on (take it once from the holder).</param>
    /// <param name="request">The tap.</param>
    /// <returns>The decision with its reason, flags and the index's replica position.</returns>
    public static Decision Decide(DecisionIndex index, in DecisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(index);
        var at = request.At;
        var flags = request.Link.IsStale(at) ? DecisionFlags.RightsStale : DecisionFlags.None;
        if (request.DoorId is null || !index.TryGetDoor(request.DoorId, out var doorOrdinal))
        {
            return new(DecisionReason.UnknownDoor, flags, index.Position, null);
        }

        if (!index.TryGetCard(request.Card, out var slot))
        {
            return new(DecisionReason.UnknownCard, flags, index.Position, null);
        }

        ref readonly var card = ref index.Card(slot);
        var info = card.Info;
        var reason = CheckCard(info, at.ToUnixTimeTicks());
        if (reason == DecisionReason.Granted && request.Link.LeaseExpired(at))
        {
            // Offline too long: the hub may have revoked rights we have not seen (fail secure unless
            // the site chose to keep marked cards working).
            flags |= DecisionFlags.DegradedPolicyApplied;
            if (request.Link.Policy == DegradedPolicy.DenyAll || !info.AllowWhenDegraded)
            {
                reason = DecisionReason.LeaseExpiredDenied;
            }
        }

        if (reason == DecisionReason.Granted)
        {
            reason = CheckRight(index, card.Rights, doorOrdinal, at, out var termNeedsPin);
            if (reason == DecisionReason.Granted && (termNeedsPin || index.Door(doorOrdinal).RequiresPin))
            {
                reason = info.PinHash is not { } pinHash ? DecisionReason.PinNotSet
                    : string.IsNullOrEmpty(request.Pin) ? DecisionReason.PinRequired
                    : VerifyPin(pinHash, request.Pin) ? DecisionReason.Granted
                    : DecisionReason.PinWrong;
            }
        }

        return new(reason, flags, index.Position, info.Id);
    }

    private static DecisionReason CheckCard(in CardInfo info, long ticks) =>
        info.Status switch
        {
            CardStatus.Active when ticks < info.FromTicks => DecisionReason.CardNotYetValid,
            CardStatus.Active when ticks >= info.ToTicks => DecisionReason.CardExpired,
            CardStatus.Active => DecisionReason.Granted,
            CardStatus.Lost => DecisionReason.CardLost,
            _ => DecisionReason.CardBlocked, // blocked, or a status this node does not know yet
        };

    private static DecisionReason CheckRight(DecisionIndex index, ulong[] rights, int door, NodaTime.Instant at, out bool needsPin)
    {
        needsPin = false;
        var found = RightPacking.Find(rights, door);
        if (found < 0)
        {
            return DecisionReason.NoRight;
        }

        var ticks = at.ToUnixTimeTicks();
        var anyValid = false;
        var holiday = false;
        var admitted = false;
        NodaTime.LocalDateTime local = default;
        foreach (var term in index.Terms(RightPacking.TermSet(rights[found])))
        {
            if (!term.ValidAt(ticks))
            {
                continue;
            }

            if (!anyValid)
            {
                anyValid = true;
                local = at.InZone(index.Zone).LocalDateTime;
            }

            if (term.Schedule is not { } schedule)
            {
                continue; // unknown or unreadable schedule: admits nothing (an empty id is "always", see Builder.Build)
            }

            var verdict = schedule.Evaluate(local);
            if (verdict.Allowed)
            {
                // Any admitting term will do; prefer one without a PIN so the least demanding wins.
                needsPin = term.RequiresPin;
                admitted = true;
                if (!needsPin)
                {
                    break;
                }
            }
            else
            {
                holiday |= verdict.Reason == Schedules.ScheduleReason.Holiday;
            }
        }

        return admitted ? DecisionReason.Granted
            : !anyValid ? DecisionReason.NotValidAtTime
            : holiday ? DecisionReason.Holiday
            : DecisionReason.OutsideSchedule;
    }

    private static bool VerifyPin(string pinHash, string pin)
    {
        try
        {
            return PinHasher.VerifyHashedPassword(PinUser, pinHash, pin) != PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            return false; // a damaged hash admits nobody
        }
    }
}
