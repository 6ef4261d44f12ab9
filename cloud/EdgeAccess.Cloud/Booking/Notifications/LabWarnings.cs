using EdgeAccess.Cloud.Outbox;

namespace EdgeAccess.Cloud.Booking.Notifications;

/// <summary>The lab-process notification event types (webhook <c>X-EdgeAccess-Event</c>, watch items) and their outbox topic.</summary>
public static class LabEventTypes
{
    /// <summary>A lab server warned a person that their controlled programs will be stopped (journal kind <c>lab.warning</c>).</summary>
    public const string Warning = "lab.warning";

    /// <summary>Outbox topic: a lab warning to fan out now (committed with the journal batch that carried it).</summary>
    public const string WarningTopic = "lab.warning";

    /// <summary>How old a warning may be when the hub receives it and still be passed on: later, its deadline has likely passed.</summary>
    public static readonly TimeSpan WarningFreshness = TimeSpan.FromMinutes(2);

    /// <summary>The namespace of the outbox message ids of warnings (one per node and journal seq).</summary>
    internal static readonly Guid WarningNamespace = new("6c0e6c1d-3f57-4f0e-9a51-1ab0a7e0b001");

    /// <summary>The outbox message id of the warning journaled as <paramref name="seq"/> by <paramref name="nodeId"/>: the same event never queues twice.</summary>
    public static Guid WarningMessageId(string nodeId, long seq) =>
        NotificationFanout.Derive(WarningNamespace, nodeId + "/" + seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>The payload of <see cref="LabEventTypes.WarningTopic"/>: the journaled warning (lab.proto LabProcessEvent) as the person is told it.</summary>
/// <param name="NodeId">The lab server that warned.</param>
/// <param name="Seq">The event's seq in that node's journal.</param>
/// <param name="PersonId">The person the process owner's account is linked to.</param>
/// <param name="ResourceId">The resource whose control program runs, if the node named a known id.</param>
/// <param name="BookingId">The booking that is ending, if any.</param>
/// <param name="UserName">The OS account.</param>
/// <param name="Executable">The program.</param>
/// <param name="OccurredAt">When the node warned (its clock).</param>
/// <param name="Deadline">When the programs are stopped, if the node said.</param>
/// <param name="Message">What the node told the user.</param>
public sealed record LabWarningPayload(
    string NodeId, long Seq, Guid PersonId, Guid? ResourceId, Guid? BookingId, string UserName, string Executable, DateTimeOffset OccurredAt, DateTimeOffset? Deadline, string Message);

/// <summary><see cref="LabEventTypes.WarningTopic"/>: fans the warning out to the person's users and the webhooks.</summary>
public sealed class LabWarningHandler(NotificationFanout fanout) : IOutboxHandler
{
    /// <inheritdoc />
    public Task HandleAsync(OutboxDelivery message, CancellationToken cancellationToken) =>
        fanout.DeliverLabWarningAsync(message.Id, message.ReadPayload<LabWarningPayload>(), cancellationToken);
}
