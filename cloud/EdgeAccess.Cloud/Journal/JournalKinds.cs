using System.Collections.Frozen;
using System.Globalization;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace EdgeAccess.Cloud.Journal;

/// <summary>
/// What the hub knows about journal kinds: which payload message each carries, how a door decision
/// spreads into columns, and the human-readable <c>details</c> of the query API. A kind the hub does
/// not know is stored and listed all the same (its payload's size as details).
/// </summary>
internal static class JournalKinds
{
    /// <summary>A tap or PIN decided at a door; payload <see cref="DoorDecisionEvent"/>.</summary>
    public const string DoorDecision = "door.decision";

    /// <summary>A lab server warned the user of a controlled program (lab.proto <see cref="LabProcessEvent"/>); passed on to the person.</summary>
    public const string LabWarning = "lab.warning";

    /// <summary>An unbooked run in monitor mode (<see cref="LabProcessEvent"/>).</summary>
    public const string LabViolation = "lab.violation";

    /// <summary>A run's process group was stopped (<see cref="LabProcessEvent"/>).</summary>
    public const string LabTerminated = "lab.terminated";

    /// <summary>Stopping a run failed (<see cref="LabProcessEvent"/>).</summary>
    public const string LabTerminateFailed = "lab.terminate_failed";

    /// <summary>An OS grant command ran for a booking (lab.proto <see cref="LabCommandEvent"/>).</summary>
    public const string LabGrant = "lab.grant";

    /// <summary>An OS revoke command ran after a booking (<see cref="LabCommandEvent"/>).</summary>
    public const string LabRevoke = "lab.revoke";

    /// <summary>A resource entered or left maintenance (lab.proto <see cref="LabMaintenanceEvent"/>); marks the resource.</summary>
    public const string LabMaintenance = "lab.maintenance";

    /// <summary>The metric tag of a kind not in <see cref="Known"/>.</summary>
    public const string OtherTag = "other";

    private const string ReasonPrefix = "DOOR_DECISION_REASON_";

    /// <summary>The kinds the edge journals today (issue 4 §5, issue 6); only these appear as metric tags.</summary>
    public static readonly FrozenSet<string> Known = FrozenSet.Create(
        StringComparer.Ordinal, DoorDecision, "replica.tampered", "door.unlock", "site.lockdown", "command.result", "journal.near_full",
        LabWarning, LabViolation, LabTerminated, LabTerminateFailed, LabGrant, LabRevoke, LabMaintenance);

    /// <summary>The kinds the hub reacts to once stored (<see cref="LabReactions"/>).</summary>
    public static readonly FrozenSet<string> Reactive = FrozenSet.Create(StringComparer.Ordinal, LabWarning, LabMaintenance);

    // Kinds whose payload is a message the contracts define, decoded for details. To show another
    // kind's payload, add its parser here.
    private static readonly FrozenDictionary<string, MessageParser> Payloads = new Dictionary<string, MessageParser>(StringComparer.Ordinal)
    {
        [DoorDecision] = DoorDecisionEvent.Parser,
        [LabWarning] = LabProcessEvent.Parser,
        [LabViolation] = LabProcessEvent.Parser,
        [LabTerminated] = LabProcessEvent.Parser,
        [LabTerminateFailed] = LabProcessEvent.Parser,
        [LabGrant] = LabCommandEvent.Parser,
        [LabRevoke] = LabCommandEvent.Parser,
        [LabMaintenance] = LabMaintenanceEvent.Parser,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly EnumDescriptor Reasons = AccessPointReflection.Descriptor.EnumTypes.Single(e => e.ClrType == typeof(DoorDecisionReason));

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    /// <summary>The kinds whose payload the query API reads (others: only the payload's length).</summary>
    public static IReadOnlyCollection<string> Decoded => Payloads.Keys;

    /// <summary>The metric tag of <paramref name="kind"/>.</summary>
    public static string Tag(string kind) => Known.Contains(kind) ? kind : OtherTag;

    /// <summary>
    /// Reads a door decision payload; null when it is not a readable <see cref="DoorDecisionEvent"/>
    /// (protobuf parsing is lenient: only truncated or malformed wire data fails).
    /// </summary>
    public static DoorDecisionEvent? ReadDecision(byte[] payload)
    {
        try
        {
            return DoorDecisionEvent.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>A reason as stored: the enum value's proto name without its prefix, lower case (<c>no_right</c>); null when unspecified.</summary>
    public static string? ReasonName(DoorDecisionReason reason)
    {
        if (reason == DoorDecisionReason.Unspecified)
        {
            return null;
        }

        // A number newer than this hub's contract is kept as its number rather than dropped.
        var name = Reasons.FindValueByNumber((int)reason)?.Name;
        return name is null
            ? ((int)reason).ToString(CultureInfo.InvariantCulture)
            : name.StartsWith(ReasonPrefix, StringComparison.Ordinal) ? name[ReasonPrefix.Length..].ToLowerInvariant() : name.ToLowerInvariant();
    }

    /// <summary>
    /// The person a lab event names (<see cref="LabProcessEvent.PersonId"/>,
    /// <see cref="LabCommandEvent.PersonId"/>), so the journal can be searched by person; null for
    /// other kinds, an unlinked account or an unreadable payload.
    /// </summary>
    public static Guid? LabPerson(string kind, byte[] payload)
    {
        try
        {
            return kind switch
            {
                LabWarning or LabViolation or LabTerminated or LabTerminateFailed => Id(LabProcessEvent.Parser.ParseFrom(payload).PersonId),
                LabGrant or LabRevoke => Id(LabCommandEvent.Parser.ParseFrom(payload).PersonId),
                _ => null,
            };
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>A UUID field of a payload, or null when empty or not a UUID.</summary>
    public static Guid? Id(string value) => Guid.TryParse(value, out var id) ? id : null;

    /// <summary>
    /// The human-readable details of an event: a door decision's step, replica position and flags;
    /// another decodable kind's payload as JSON; otherwise the payload's size.
    /// </summary>
    public static string Details(string kind, byte[]? payload, int payloadLength)
    {
        if (payload is null || !Payloads.TryGetValue(kind, out var parser))
        {
            return payloadLength == 0 ? "no payload" : string.Create(CultureInfo.InvariantCulture, $"{payloadLength} bytes of payload");
        }

        IMessage message;
        try
        {
            message = parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return string.Create(CultureInfo.InvariantCulture, $"unreadable {kind} payload ({payloadLength} bytes)");
        }

        return message is DoorDecisionEvent decision ? DecisionDetails(decision) : Json.Format(message);
    }

    private static string DecisionDetails(DoorDecisionEvent decision)
    {
        var step = decision.Step.Length == 0 ? "decision" : decision.Step;
        var text = string.Create(CultureInfo.InvariantCulture, $"step {step}, replica position {decision.ReplicaPosition}");
        var flags = new List<string>(2);
        if (decision.Flags?.RightsStale == true)
        {
            flags.Add("rights_stale");
        }

        if (decision.Flags?.DegradedPolicyApplied == true)
        {
            flags.Add("degraded_policy_applied");
        }

        return flags.Count == 0 ? text : $"{text}, flags {string.Join(" ", flags)}";
    }
}
