using System.Diagnostics.Metrics;
using EdgeAccess.Cloud.Booking.Notifications;
using EdgeAccess.Cloud.Outbox;
using EdgeAccess.Protos.V1;
using Google.Protobuf;
using Npgsql;

namespace EdgeAccess.Cloud.Journal;

/// <summary>What the hub did with one newly stored lab event.</summary>
/// <param name="Kind">The journal kind.</param>
/// <param name="Seq">The event's seq in its node's journal.</param>
/// <param name="ResourceId">The resource it names, when that is a UUID.</param>
/// <param name="PersonId">The warned person (warnings).</param>
/// <param name="Outcome">
/// Maintenance: <c>entered</c>, <c>cleared</c> or <c>ignored</c>. Warnings: <c>queued</c>,
/// <c>duplicate</c> (its message exists), <c>stale</c> (too old when received), <c>unlinked</c> (nobody
/// to tell) or <c>unreadable</c>.
/// </param>
/// <param name="Reason">The maintenance reason the node gave.</param>
internal readonly record struct LabReaction(string Kind, long Seq, Guid? ResourceId, Guid? PersonId, string Outcome, string Reason);

/// <summary>
/// The hub's reactions to newly stored lab events (lab.proto), run by <see cref="JournalStore"/>
/// in the transaction that stores them:
/// <list type="bullet">
/// <item><c>lab.maintenance</c> sets or clears the resource's <c>maintenance_*</c> columns (shown as
/// <c>BookableResource.maintenance</c>), logged (<c>LabMaintenanceEntered</c>, a warning) and counted
/// (<c>edgeaccess.lab.maintenance</c> by <c>state</c>).</item>
/// <item><c>lab.warning</c> enqueues an outbox message (<see cref="LabEventTypes.WarningTopic"/>) that
/// notifies the person, when it names one and is fresh (at most
/// <see cref="LabEventTypes.WarningFreshness"/> old on receipt: a node that was offline uploads its
/// warnings late, when their deadline has passed). Counted as <c>edgeaccess.lab.warnings</c> by
/// <c>outcome</c>.</item>
/// </list>
/// </summary>
internal sealed partial class LabReactions(ILogger<LabReactions> logger)
{
    /// <summary>The longest maintenance reason kept, in characters.</summary>
    public const int MaxReason = 1000;

    private static readonly Counter<long> Maintenance = CloudTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.lab.maintenance", "{event}", "Lab maintenance events of edge nodes, by state: entered, cleared, ignored (unknown resource, not its node, or older than its state).");

    private static readonly Counter<long> Warnings = CloudTelemetry.Meter.CreateCounter<long>(
        "edgeaccess.lab.warnings", "{warning}", "Lab warnings of edge nodes, by outcome: queued (notified), stale, unlinked, unreadable.");

    // Active: the first activation's time stays; an older event than the current state is ignored.
    // Only the node that runs the resource may put it in maintenance; the one that did (or the one
    // running it now) may clear it.
    private const string EnterSql = """
        UPDATE booking_resources SET maintenance_since = COALESCE(maintenance_since, $3), maintenance_reason = $4, maintenance_node = $2
        WHERE id = $1 AND node_id = $2 AND (maintenance_since IS NULL OR maintenance_since <= $3)
        """;

    private const string ClearSql = """
        UPDATE booking_resources SET maintenance_since = NULL, maintenance_reason = NULL, maintenance_node = NULL
        WHERE id = $1 AND maintenance_since IS NOT NULL AND maintenance_since <= $3 AND (maintenance_node = $2 OR node_id = $2)
        """;

    /// <summary>
    /// Reacts to the events of <paramref name="batch"/> with <paramref name="seqs"/> (those just
    /// inserted, ascending) on the store's <paramref name="connection"/> and <paramref name="transaction"/>.
    /// </summary>
    public async Task<IReadOnlyList<LabReaction>> ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string nodeId, JournalBatch batch, IReadOnlyList<long> seqs, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var done = new List<LabReaction>(seqs.Count);
        foreach (var seq in seqs)
        {
            var i = batch.IndexOf(seq);
            if (i < 0)
            {
                continue;
            }

            var occurredAt = new DateTimeOffset(batch.OccurredAt[i], TimeSpan.Zero);
            done.Add(batch.Kinds[i] switch
            {
                JournalKinds.LabMaintenance => await MaintenanceAsync(connection, transaction, nodeId, seq, batch.Payloads[i], occurredAt, cancellationToken),
                JournalKinds.LabWarning => await WarningAsync(connection, transaction, nodeId, seq, batch.Payloads[i], occurredAt, receivedAt, cancellationToken),
                var other => new LabReaction(other, seq, null, null, "ignored", ""),
            });
        }

        return done;
    }

    /// <summary>Logs and counts what <see cref="ApplyAsync"/> did, once its transaction committed.</summary>
    public void Report(string nodeId, IReadOnlyList<LabReaction> reactions)
    {
        foreach (var r in reactions)
        {
            if (r.Kind == JournalKinds.LabMaintenance)
            {
                switch (r.Outcome)
                {
                    case "entered":
                        LogMaintenanceEntered(logger, r.ResourceId!.Value, nodeId, r.Reason, r.Seq);
                        break;
                    case "cleared":
                        LogMaintenanceCleared(logger, r.ResourceId!.Value, nodeId, r.Seq);
                        break;
                    default:
                        LogMaintenanceIgnored(logger, nodeId, r.Seq, r.ResourceId);
                        break;
                }

                Maintenance.Add(1, new KeyValuePair<string, object?>("state", r.Outcome));
            }
            else if (r.Kind == JournalKinds.LabWarning)
            {
                LogWarning(logger, nodeId, r.Seq, r.PersonId, r.Outcome);
                Warnings.Add(1, new KeyValuePair<string, object?>("outcome", r.Outcome));
            }
        }
    }

    private static async Task<LabReaction> MaintenanceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string nodeId, long seq, byte[] payload, DateTimeOffset occurredAt, CancellationToken ct)
    {
        if (Parse(LabMaintenanceEvent.Parser, payload) is not { } e || JournalKinds.Id(e.ResourceId) is not { } resourceId)
        {
            return new LabReaction(JournalKinds.LabMaintenance, seq, null, null, "ignored", "");
        }

        var reason = e.Reason.Length <= MaxReason ? e.Reason : e.Reason[..MaxReason];
        await using var command = new NpgsqlCommand(e.Active ? EnterSql : ClearSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = resourceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = occurredAt });
        if (e.Active)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        }

        var changed = await command.ExecuteNonQueryAsync(ct) == 1;
        var outcome = !changed ? "ignored" : e.Active ? "entered" : "cleared";
        return new LabReaction(JournalKinds.LabMaintenance, seq, resourceId, null, outcome, reason);
    }

    private static async Task<LabReaction> WarningAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string nodeId, long seq, byte[] payload, DateTimeOffset occurredAt, DateTimeOffset receivedAt, CancellationToken ct)
    {
        if (Parse(LabProcessEvent.Parser, payload) is not { } e)
        {
            return new LabReaction(JournalKinds.LabWarning, seq, null, null, "unreadable", "");
        }

        var resourceId = JournalKinds.Id(e.ResourceId);
        if (JournalKinds.Id(e.PersonId) is not { } personId)
        {
            return new LabReaction(JournalKinds.LabWarning, seq, resourceId, null, "unlinked", "");
        }

        // A node clock running ahead makes a warning look newer, never stale: it is still told.
        if (receivedAt - occurredAt > LabEventTypes.WarningFreshness)
        {
            return new LabReaction(JournalKinds.LabWarning, seq, resourceId, personId, "stale", "");
        }

        var warning = new LabWarningPayload(nodeId, seq, personId, resourceId, JournalKinds.Id(e.BookingId), e.UserName, e.Executable, occurredAt,
            e.Deadline is { } deadline ? deadline.ToDateTimeOffset() : null, e.Message);
        var message = OutboxWriter.Create(LabEventTypes.WarningTopic, warning, key: "lab-warning:" + personId);
        message.Id = LabEventTypes.WarningMessageId(nodeId, seq);
        message.CreatedAt = receivedAt;
        var queued = await OutboxWriter.EnqueueAsync(connection, transaction, message, cancellationToken: ct);
        return new LabReaction(JournalKinds.LabWarning, seq, resourceId, personId, queued ? "queued" : "duplicate", "");
    }

    private static T? Parse<T>(MessageParser<T> parser, byte[] payload)
        where T : class, IMessage<T>
    {
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    [LoggerMessage(3553, LogLevel.Warning, "Resource {ResourceId} is in maintenance on node {NodeId}: {Reason} (journal seq {Seq}); nobody may start its programs until the node clears it", EventName = "LabMaintenanceEntered")]
    private static partial void LogMaintenanceEntered(ILogger logger, Guid resourceId, string nodeId, string reason, long seq);

    [LoggerMessage(3554, LogLevel.Information, "Resource {ResourceId} left maintenance on node {NodeId} (journal seq {Seq})", EventName = "LabMaintenanceCleared")]
    private static partial void LogMaintenanceCleared(ILogger logger, Guid resourceId, string nodeId, long seq);

    [LoggerMessage(3555, LogLevel.Debug, "Node {NodeId}: lab.maintenance event {Seq} for resource {ResourceId} ignored (unknown resource, not run by the node, or older than its state)", EventName = "LabMaintenanceIgnored")]
    private static partial void LogMaintenanceIgnored(ILogger logger, string nodeId, long seq, Guid? resourceId);

    [LoggerMessage(3556, LogLevel.Debug, "Node {NodeId}: lab warning {Seq} for person {PersonId}: {Outcome}", EventName = "LabWarningReceived")]
    private static partial void LogWarning(ILogger logger, string nodeId, long seq, Guid? personId, string outcome);
}
