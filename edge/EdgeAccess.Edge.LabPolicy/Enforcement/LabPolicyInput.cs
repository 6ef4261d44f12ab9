using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

/// <summary>Everything one evaluation of <see cref="LabPolicyEngine"/> looks at; no I/O happens inside.</summary>
/// <param name="Now">The current time.</param>
/// <param name="NodeId">This node's id: only resources with this <c>node_id</c> are watched.</param>
/// <param name="Resources">The site's resource records.</param>
/// <param name="Bookings">The site's booking records.</param>
/// <param name="Accounts">The site's node-account links (only this node's are used).</param>
/// <param name="Processes">The process table.</param>
public sealed record LabPolicyInput(
    DateTimeOffset Now,
    string NodeId,
    IReadOnlyList<ResourceRecord> Resources,
    IReadOnlyList<BookingRecord> Bookings,
    IReadOnlyList<NodeAccountRecord> Accounts,
    ProcessTable Processes)
{
    /// <summary>Whether a resource is in maintenance: then nobody is booked on it (fail closed).</summary>
    public Func<string, bool> InMaintenance { get; init; } = _ => false;

    /// <summary>The local account name of a uid (passwd), for exempt accounts and reports; null when unknown.</summary>
    public Func<long, string?> LocalUserName { get; init; } = _ => null;

    /// <summary>The time zone of the messages users read (the site's).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;
}

/// <summary>The outcome of one evaluation.</summary>
/// <param name="Actions">What to do now.</param>
/// <param name="Runs">Every run seen (exempt accounts excluded).</param>
/// <param name="WatchedResources">This node's resources with a mode other than off.</param>
/// <param name="Interval">When to evaluate next: the smallest check interval of the watched resources (5 s when none).</param>
/// <param name="InvalidPatterns">Control-program entries that did not compile, as "resource: entry: reason".</param>
public sealed record LabDecision(
    IReadOnlyList<LabAction> Actions, IReadOnlyList<LabRun> Runs, int WatchedResources, TimeSpan Interval, IReadOnlyList<string> InvalidPatterns);

/// <summary>A resource's lab policy with the defaults of a 0 field applied (replica.proto, <c>LabPolicy</c>).</summary>
/// <param name="Mode">Off, monitor or enforce.</param>
/// <param name="WarningLead">Warn this long before a booking ends (default 300 s).</param>
/// <param name="Grace">Programs stop this long after the booking ends or after an unbooked run was first seen (default 60 s).</param>
/// <param name="CheckInterval">How often processes are compared with bookings, 1–5 s (default 5 s).</param>
/// <param name="ExemptAccounts">Account names never touched (root always is).</param>
public sealed record EffectiveLabPolicy(LabPolicyMode Mode, TimeSpan WarningLead, TimeSpan Grace, TimeSpan CheckInterval, IReadOnlySet<string> ExemptAccounts)
{
    /// <summary>The longest (and default) check interval.</summary>
    public static readonly TimeSpan MaxCheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>Applies the defaults to a resource's policy (a missing policy is off).</summary>
    public static EffectiveLabPolicy Of(ResourceRecord resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var policy = resource.LabPolicy ?? new Protos.V1.LabPolicy();
        return new EffectiveLabPolicy(
            policy.Mode,
            TimeSpan.FromSeconds(policy.WarningLeadSeconds > 0 ? policy.WarningLeadSeconds : 300),
            TimeSpan.FromSeconds(policy.GraceSeconds > 0 ? policy.GraceSeconds : 60),
            TimeSpan.FromSeconds(policy.CheckIntervalSeconds > 0 ? Math.Min(policy.CheckIntervalSeconds, 5) : 5),
            new HashSet<string>(policy.ExemptAccounts, StringComparer.Ordinal));
    }
}
