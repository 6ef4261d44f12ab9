using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Protos.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeAccess.Edge.LabPolicy.Tests.Enforcement;

/// <summary>Builders for replica records and fake processes.</summary>
public static class PolicyRecords
{
    /// <summary>The node the tests run as.</summary>
    public const string NodeId = "lab-node";

    /// <summary>A resource of <see cref="NodeId"/> with the given policy (seconds; 0 = default).</summary>
    public static ResourceRecord Resource(
        string id, IEnumerable<string> programs, LabPolicyMode mode = LabPolicyMode.Enforce, int grace = 60, int lead = 300, int interval = 5,
        string nodeId = NodeId, params string[] exempt)
    {
        var resource = new ResourceRecord
        {
            Id = id,
            Name = "Resource " + id,
            NodeId = nodeId,
            Active = true,
            LabPolicy = new Protos.V1.LabPolicy { Mode = mode, GraceSeconds = grace, WarningLeadSeconds = lead, CheckIntervalSeconds = interval },
        };
        resource.ControlPrograms.AddRange(programs);
        resource.LabPolicy.ExemptAccounts.AddRange(exempt);
        return resource;
    }

    /// <summary>A booking.</summary>
    public static BookingRecord Booking(string id, string resourceId, string personId, DateTimeOffset start, DateTimeOffset end, bool pending = false) => new()
    {
        Id = id,
        ResourceId = resourceId,
        PersonId = personId,
        StartsAt = Timestamp.FromDateTimeOffset(start),
        EndsAt = Timestamp.FromDateTimeOffset(end),
        Pending = pending,
    };

    /// <summary>A link of an account of <see cref="NodeId"/> to a person.</summary>
    public static NodeAccountRecord Account(long uid, string userName, string personId, string nodeId = NodeId) => new()
    {
        Id = $"{nodeId}-{uid}",
        NodeId = nodeId,
        Uid = uid,
        UserName = userName,
        PersonId = personId,
    };

    /// <summary>A fake process.</summary>
    public static ProcessInfo Process(int pid, long uid, string executable, int group = 0, int parent = 1, ulong start = 1000, DateTimeOffset? startedAt = null) => new()
    {
        Pid = pid,
        ParentPid = parent,
        ProcessGroup = group == 0 ? pid : group,
        Session = group == 0 ? pid : group,
        Uid = uid,
        State = 'S',
        StartTicks = start,
        StartedAt = startedAt ?? DateTimeOffset.UnixEpoch,
        Comm = Path.GetFileName(executable),
        Executable = executable,
        Argv = [executable],
    };
}
