using EdgeAccess.Protos.V1;
using RecordKind = EdgeAccess.Cloud.Data.Entities.RecordKind;
using EdgeAccess.Schedules;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NodaTime;

namespace EdgeAccess.Cloud.Rights.Compiler;

/// <summary>One compiled card × door right, serialized as the edge stores it.</summary>
internal readonly record struct CompiledRight(Guid SiteId, Guid CardId, Guid DoorId, Guid PersonId, byte[] Terms);

/// <summary>Why a term exists (for "explain access").</summary>
/// <remarks>A booking's term has <see cref="ScheduleId"/> <see cref="RightsCalculator.NoSchedule"/>.</remarks>
internal readonly record struct TermSource(Guid DoorId, Guid ScheduleId, bool RequiresPin, ValidityWindow Window, IReadOnlyList<Guid> GroupChain, Guid? SchemeId, Guid? GrantId, string RoleTitle, Guid? BookingId = null);

/// <summary>
/// Computes a person's effective rights from a loaded <see cref="RightsModel"/>. Pure: the same model
/// gives the same bytes, which is what lets the compiler diff against stored rights.
/// </summary>
/// <remarks>
/// Rules: an inactive person or a non-active card holds nothing. A membership reaches its group and,
/// through nesting, every ancestor group, but only through active groups (an inactive group grants
/// nothing and passes nothing on). Each scheme of a reached group gives a term per door: the
/// scheme's schedule, valid in membership ∩ scheme ∩ card validity, needing a PIN if the scheme or
/// the door says so. A direct grant gives a term valid in grant ∩ card validity. An active booking
/// (confirmed or checked in) gives a term on each door of its resource with no schedule restriction
/// (an empty schedule id, see <see cref="NoSchedule"/>), valid in [start − early entry, end + grace]
/// ∩ card validity, needing a PIN if the door says so. Merge rule: terms
/// with the same schedule and PIN requirement are merged into the union of their validity windows
/// (overlapping or adjacent windows coalesce); distinct schedules stay separate terms, and the card
/// passes when any term admits it — so overlapping grants give the union of their schedules, each
/// for exactly as long as it is valid.
/// </remarks>
internal static class RightsCalculator
{
    /// <summary>
    /// The schedule of a term without a schedule restriction (a booking's): replicated as an empty
    /// <c>RightTerm.schedule_id</c>, which the edge reads as "any time within the window".
    /// </summary>
    public static readonly Guid NoSchedule = Guid.Empty;

    /// <summary>The replicated schedule id of <paramref name="schedule"/> (empty for <see cref="NoSchedule"/>).</summary>
    public static string ScheduleIdText(Guid schedule) => schedule == NoSchedule ? "" : schedule.ToString();

    /// <summary>The schedule of a replicated term (<see cref="NoSchedule"/> for an empty id).</summary>
    public static Guid ScheduleOf(RightTerm term) => term.ScheduleId.Length == 0 ? NoSchedule : Guid.Parse(term.ScheduleId);

    /// <summary>Computes the person's rights on the doors <paramref name="includeDoor"/> accepts.</summary>
    public static void Compute(RightsModel model, PersonInfo person, Func<Guid, bool> includeDoor, List<CompiledRight> output, Action<TermSource>? explain = null)
    {
        if (!person.Exists || !person.Active || person.Cards.Count == 0)
        {
            return;
        }

        // door -> (schedule, pin) -> windows
        var perDoor = new Dictionary<Guid, Dictionary<(Guid Schedule, bool Pin), List<ValidityWindow>>>();
        void AddTerm(Guid door, Guid schedule, bool pin, ValidityWindow window)
        {
            if (window.IsEmpty)
            {
                return;
            }

            if (!perDoor.TryGetValue(door, out var terms))
            {
                terms = [];
                perDoor[door] = terms;
            }

            if (!terms.TryGetValue((schedule, pin), out var windows))
            {
                windows = [];
                terms[(schedule, pin)] = windows;
            }

            windows.Add(window);
        }

        foreach (var membership in person.Memberships)
        {
            foreach (var (group, chain) in model.Reachable(membership.GroupId))
            {
                if (!model.SchemesByGroup.TryGetValue(group, out var schemes))
                {
                    continue;
                }

                foreach (var scheme in schemes)
                {
                    var window = membership.Window.Intersect(scheme.Window);
                    foreach (var door in scheme.Doors)
                    {
                        if (!includeDoor(door) || !model.Doors.TryGetValue(door, out var info))
                        {
                            continue;
                        }

                        var pin = scheme.RequiresPin || info.RequiresPin;
                        AddTerm(door, scheme.ScheduleId, pin, window);
                        explain?.Invoke(new TermSource(door, scheme.ScheduleId, pin, window, chain, scheme.Id, null, membership.RoleTitle));
                    }
                }
            }
        }

        foreach (var grant in person.Grants)
        {
            if (!includeDoor(grant.DoorId) || !model.Doors.TryGetValue(grant.DoorId, out var info))
            {
                continue;
            }

            var pin = grant.RequiresPin || info.RequiresPin;
            AddTerm(grant.DoorId, grant.ScheduleId, pin, grant.Window);
            explain?.Invoke(new TermSource(grant.DoorId, grant.ScheduleId, pin, grant.Window, [], null, grant.Id, ""));
        }

        foreach (var booking in person.Bookings)
        {
            if (!model.ResourceDoors.TryGetValue(booking.ResourceId, out var doors))
            {
                continue;
            }

            foreach (var door in doors)
            {
                if (!includeDoor(door) || !model.Doors.TryGetValue(door, out var info))
                {
                    continue;
                }

                AddTerm(door, NoSchedule, info.RequiresPin, booking.Window);
                explain?.Invoke(new TermSource(door, NoSchedule, info.RequiresPin, booking.Window, [], null, null, "", booking.Id));
            }
        }

        if (perDoor.Count == 0)
        {
            return;
        }

        var personId = person.Id.ToString();
        foreach (var card in person.Cards)
        {
            if (!card.Active)
            {
                continue;
            }

            var cardId = card.Id.ToString();
            foreach (var (door, terms) in perDoor)
            {
                var record = new RightRecord { CardId = cardId, DoorId = door.ToString(), PersonId = personId };
                foreach (var ((schedule, pin), windows) in terms.OrderBy(t => t.Key.Schedule).ThenBy(t => t.Key.Pin))
                {
                    foreach (var window in ValidityWindow.Merge(windows.Select(w => w.Intersect(card.Window))))
                    {
                        record.Terms.Add(new RightTerm
                        {
                            ScheduleId = ScheduleIdText(schedule),
                            RequiresPin = pin,
                            ValidFrom = ToTimestamp(window.From),
                            ValidTo = ToTimestamp(window.To),
                        });
                    }
                }

                if (record.Terms.Count > 0)
                {
                    output.Add(new CompiledRight(model.Doors[door].SiteId, card.Id, door, person.Id, record.ToByteArray()));
                }
            }
        }
    }

    /// <summary>
    /// The active groups a membership of <paramref name="start"/> reaches (itself and its ancestors
    /// through active groups), each with the chain of groups from the membership up to it.
    /// </summary>
    public static IEnumerable<(Guid Group, IReadOnlyList<Guid> Chain)> ReachableGroups(RightsModel model, Guid start)
    {
        if (!model.Groups.TryGetValue(start, out var first) || !first.Active)
        {
            yield break;
        }

        var seen = new HashSet<Guid> { start };
        var queue = new Queue<(Guid, List<Guid>)>();
        queue.Enqueue((start, [start]));
        while (queue.Count > 0)
        {
            var (group, chain) = queue.Dequeue();
            yield return (group, chain);
            foreach (var parent in model.Groups[group].Parents)
            {
                if (model.Groups.TryGetValue(parent, out var node) && node.Active && seen.Add(parent))
                {
                    queue.Enqueue((parent, [.. chain, parent]));
                }
            }
        }
    }

    private static Timestamp? ToTimestamp(Instant? instant) => instant is { } i ? Timestamp.FromDateTimeOffset(i.ToDateTimeOffset()) : null;
}
