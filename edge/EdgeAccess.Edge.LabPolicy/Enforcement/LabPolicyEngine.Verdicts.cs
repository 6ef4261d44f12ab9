using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

public sealed partial class LabPolicyEngine
{
    // Process start times are known to about a second (boot time in whole seconds + clock ticks):
    // a run started this close after a window's grace ended still counts as left over from it.
    private static readonly TimeSpan StartTolerance = TimeSpan.FromSeconds(2);

    private enum Standing
    {
        Unbooked = 0,   // no booking, or one whose grace is over and the run started after it
        Overdue = 1,    // the run outlived its booking's grace: stop now
        Ending = 2,     // the booking ended; the grace runs
        Allowed = 3,    // inside a booking
    }

    /// <summary>A person's continuous booking window on a resource (bookings less than the grace apart merged).</summary>
    private sealed record Window(DateTimeOffset Start, DateTimeOffset End, string LastBookingId);

    private sealed record Verdict(Standing Standing, DateTimeOffset Deadline, Window? Window, bool Maintenance, EffectiveLabPolicy Policy, ResourceRecord Resource);

    /// <summary>
    /// The continuous windows of each (resource, person): active, non-pending bookings sorted by
    /// start and merged when the next starts no later than the previous end plus the grace — the
    /// programs would not be stopped in between, so the user is warned about the window's end only.
    /// </summary>
    private static Dictionary<(string Resource, string Person), List<Window>> Windows(
        IReadOnlyList<BookingRecord> bookings, IReadOnlyDictionary<string, (ResourceRecord Resource, EffectiveLabPolicy Policy)> watched)
    {
        var byKey = new Dictionary<(string, string), List<BookingRecord>>();
        foreach (var booking in bookings)
        {
            if (booking.Pending || string.IsNullOrEmpty(booking.PersonId) || booking.StartsAt is null || booking.EndsAt is null
                || !watched.ContainsKey(booking.ResourceId))
            {
                continue; // pending bookings await approval: they do not let anyone run the programs
            }

            var key = (booking.ResourceId, booking.PersonId);
            if (!byKey.TryGetValue(key, out var list))
            {
                byKey[key] = list = [];
            }

            list.Add(booking);
        }

        var windows = new Dictionary<(string, string), List<Window>>(byKey.Count);
        foreach (var (key, list) in byKey)
        {
            var grace = watched[key.Item1].Policy.Grace;
            list.Sort((a, b) => a.StartsAt.CompareTo(b.StartsAt));
            var merged = new List<Window>();
            foreach (var booking in list)
            {
                var start = booking.StartsAt.ToDateTimeOffset();
                var end = booking.EndsAt.ToDateTimeOffset();
                if (end <= start)
                {
                    continue;
                }

                if (merged.Count > 0 && start <= merged[^1].End + grace)
                {
                    var last = merged[^1];
                    merged[^1] = end > last.End ? new Window(last.Start, end, booking.Id) : last;
                }
                else
                {
                    merged.Add(new Window(start, end, booking.Id));
                }
            }

            windows[key] = merged;
        }

        return windows;
    }

    /// <summary>
    /// Where a run stands on one resource. Allowed while now is inside a window; ending during the
    /// grace after it; overdue when the grace is over and the run already existed before it ended
    /// (so a run is never given a fresh grace because its booking's grace just ran out); otherwise
    /// unbooked, with the deadline of the user's current violation episode.
    /// </summary>
    private Verdict Judge(
        ResourceRecord resource, EffectiveLabPolicy policy, List<Window>? windows, bool maintenance, long uid, DateTimeOffset runStartedAt, DateTimeOffset now)
    {
        if (!maintenance && windows is not null)
        {
            Window? previous = null;
            foreach (var window in windows)
            {
                if (window.Start <= now && now < window.End + policy.Grace)
                {
                    return new Verdict(now < window.End ? Standing.Allowed : Standing.Ending, window.End + policy.Grace, window, false, policy, resource);
                }

                if (window.End + policy.Grace <= now)
                {
                    previous = window;
                }
            }

            if (previous is not null && runStartedAt < previous.End + policy.Grace + StartTolerance)
            {
                return new Verdict(Standing.Overdue, previous.End + policy.Grace, previous, false, policy, resource);
            }
        }

        var since = _episodes.TryGetValue((resource.Id, uid), out var episode) ? episode.Since : now;
        return new Verdict(Standing.Unbooked, since + policy.Grace, null, maintenance, policy, resource);
    }

    /// <summary>The most permissive verdict: allowed beats ending beats the rest; then the later deadline.</summary>
    private static Verdict Best(List<Verdict> verdicts)
    {
        var best = verdicts[0];
        foreach (var verdict in verdicts)
        {
            var rank = Rank(verdict.Standing).CompareTo(Rank(best.Standing));
            if (rank > 0 || (rank == 0 && verdict.Deadline > best.Deadline))
            {
                best = verdict;
            }
        }

        return best;

        static int Rank(Standing standing) => standing switch
        {
            Standing.Allowed => 2,
            Standing.Ending => 1,
            _ => 0,
        };
    }
}
