using System.Globalization;
using System.Text;
using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

public sealed partial class LabPolicyEngine
{
    /// <summary>The action for a run this tick, if any; updates the run's state.</summary>
    private LabAction? Decide(LabRun run, Verdict verdict, DateTimeOffset now, TimeZoneInfo zone, Candidate candidate, ProcessTable table)
    {
        if (!_runs.TryGetValue(run.Key, out var state))
        {
            _runs[run.Key] = state = new RunState();
        }

        var resourceName = Printable(string.IsNullOrEmpty(run.Resource.Name) ? run.Resource.Id : run.Resource.Name);
        var bookingId = verdict.Window?.LastBookingId ?? "";
        var deadline = verdict.Deadline;
        if (verdict.Policy.Mode == LabPolicyMode.Monitor)
        {
            if (verdict.Standing is Standing.Allowed || state.ReportedDeadline == deadline)
            {
                return null;
            }

            state.ReportedDeadline = deadline;
            var why = verdict.Standing == Standing.Unbooked ? NoBooking(verdict) : $"the booking ended at {Format(verdict.Window!.End, now, zone)}";
            return new LabAction(LabActionKind.Violation, run, deadline, bookingId, verdict.Maintenance,
                $"{Printable(run.UserName)} runs {Printable(run.Executable)} on {resourceName}: {why}; it would be stopped at {Format(deadline, now, zone)} (monitor mode).");
        }

        if (now >= deadline)
        {
            if (state.Terminating)
            {
                return null; // the previous attempt is still running
            }

            state.Terminating = true;
            var why = verdict.Standing == Standing.Unbooked ? NoBooking(verdict) : $"the booking ended at {Format(verdict.Window!.End, now, zone)}";
            return new LabAction(LabActionKind.Terminate, run, deadline, bookingId, verdict.Maintenance,
                $"EdgeAccess stopped your programs on {resourceName}: {why}.", Target(candidate, table));
        }

        var warnAt = verdict.Standing == Standing.Allowed ? verdict.Window!.End - verdict.Policy.WarningLead : now;
        if (now < warnAt || state.ReportedDeadline == deadline)
        {
            return null;
        }

        state.ReportedDeadline = deadline;
        var left = (long)Math.Ceiling((deadline - now).TotalSeconds);
        var message = verdict.Standing == Standing.Unbooked
            ? $"EdgeAccess: {NoBooking(verdict)} of {resourceName}. Your programs will be stopped at {Format(deadline, now, zone)} (in {left} s)."
            : $"EdgeAccess: your booking of {resourceName} ends at {Format(verdict.Window!.End, now, zone)}. Your programs will be stopped at {Format(deadline, now, zone)} (in {left} s).";
        return new LabAction(LabActionKind.Warn, run, deadline, bookingId, verdict.Maintenance, message);
    }

    private static string NoBooking(Verdict verdict) =>
        verdict.Maintenance ? "the resource is in maintenance, nobody may use it" : "you have no booking";

    /// <summary>Local time of the site, with the date when it is not today's.</summary>
    private static string Format(DateTimeOffset time, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(time, zone);
        return local.Date == TimeZoneInfo.ConvertTime(now, zone).Date
            ? local.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>Names from the hub and the process table go to users' terminals: no control characters (escape sequences).</summary>
    private static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }

    /// <summary>What the engine remembers of a run between ticks.</summary>
    private sealed class RunState
    {
        /// <summary>The deadline the user was last warned about (or, in monitor mode, journaled with).</summary>
        public DateTimeOffset? ReportedDeadline { get; set; }

        public bool Terminating { get; set; }

        public int Failures { get; set; }
    }
}
