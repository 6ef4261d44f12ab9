using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

/// <summary>What the engine asks the worker to do with a run.</summary>
public enum LabActionKind
{
    /// <summary>Tell the user (terminals, local command; the hub passes the journaled warning on).</summary>
    Warn,

    /// <summary>Monitor mode: journal that the run would be stopped; nothing else.</summary>
    Violation,

    /// <summary>Terminate the run's process group and descendants.</summary>
    Terminate,
}

/// <summary>One decision of <see cref="LabPolicyEngine"/> for one run.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Run">The run.</param>
/// <param name="Deadline">When the run's programs are (or, in monitor mode, would be) stopped.</param>
/// <param name="BookingId">The booking that is ending or ended; empty when the run had none.</param>
/// <param name="Maintenance">Whether the resource is in maintenance (nobody is booked then).</param>
/// <param name="Message">What the user is told, in the site's time zone.</param>
/// <param name="Target">For <see cref="LabActionKind.Terminate"/>: what to signal.</param>
public sealed record LabAction(
    LabActionKind Kind, LabRun Run, DateTimeOffset Deadline, string BookingId, bool Maintenance, string Message, TerminationTarget? Target = null)
{
    /// <summary>Journal kind of a warning.</summary>
    public const string WarningKind = "lab.warning";

    /// <summary>Journal kind of a monitor-mode violation.</summary>
    public const string ViolationKind = "lab.violation";

    /// <summary>Journal kind of a completed termination.</summary>
    public const string TerminatedKind = "lab.terminated";

    /// <summary>Journal kind of a termination that left processes alive.</summary>
    public const string TerminateFailedKind = "lab.terminate_failed";

    /// <summary>The journal payload for this action (without the termination's outcome).</summary>
    public LabProcessEvent ToEvent()
    {
        var leader = Run.Leader;
        return new LabProcessEvent
        {
            ResourceId = Run.Key.ResourceId,
            PersonId = Run.PersonId,
            Uid = Run.Key.Uid,
            UserName = Run.UserName,
            Pid = leader.Pid,
            ProcessGroup = Run.Key.ProcessGroup,
            Executable = Run.Executable,
            Cgroup = leader.Cgroup,
            BookingId = BookingId,
            Deadline = Timestamp.FromDateTimeOffset(Deadline),
            Message = Message,
            Maintenance = Maintenance,
        };
    }

    /// <summary>The journal payload of a completed termination attempt.</summary>
    public LabProcessEvent ToEvent(TerminationResult result, string? failure = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var payload = ToEvent();
        payload.TerminatedPids.AddRange(result.SignalledPids);
        payload.Killed = result.Killed;
        if (failure is not null)
        {
            payload.Message = failure;
        }

        return payload;
    }
}
