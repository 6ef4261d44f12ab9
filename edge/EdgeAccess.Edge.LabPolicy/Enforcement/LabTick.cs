using EdgeAccess.Edge.LabPolicy.Processes;
using EdgeAccess.Protos.V1;

namespace EdgeAccess.Edge.LabPolicy.Enforcement;

/// <summary>The replica records one tick looks at.</summary>
/// <param name="Resources">Resource records (kind 6).</param>
/// <param name="Bookings">Booking records (kind 7).</param>
/// <param name="Accounts">Node-account records (kind 8).</param>
/// <param name="TimeZone">The site's time zone, for the messages.</param>
public sealed record LabRecords(
    IReadOnlyList<ResourceRecord> Resources, IReadOnlyList<BookingRecord> Bookings, IReadOnlyList<NodeAccountRecord> Accounts, TimeZoneInfo TimeZone)
{
    /// <summary>No records.</summary>
    public static LabRecords Empty { get; } = new([], [], [], TimeZoneInfo.Utc);
}

/// <summary>One tick's figures.</summary>
/// <param name="Decision">The engine's decision.</param>
/// <param name="Processes">Processes in the table.</param>
/// <param name="ScanDuration">Time to read <c>/proc</c>.</param>
/// <param name="Duration">Time for the whole tick (terminations continue in the background).</param>
/// <param name="StateError">Why the engine's state could not be saved (it is tried again next tick).</param>
public sealed record LabTickResult(LabDecision Decision, int Processes, TimeSpan ScanDuration, TimeSpan Duration, Exception? StateError = null);

/// <summary>What became of one action.</summary>
/// <param name="Action">The action.</param>
/// <param name="JournalKind">The kind journaled; null when nothing was (a repeated failure).</param>
/// <param name="Termination">For a termination: what was signalled and what survived.</param>
/// <param name="Warning">For a warning: how it went out locally.</param>
/// <param name="JournalError">Why the event could not be journaled (the action was carried out anyway).</param>
/// <param name="Error">Why the warner or the terminator failed.</param>
public sealed record LabOutcome(
    LabAction Action, string? JournalKind, TerminationResult? Termination = null, LocalWarningResult? Warning = null, Exception? JournalError = null, Exception? Error = null);
