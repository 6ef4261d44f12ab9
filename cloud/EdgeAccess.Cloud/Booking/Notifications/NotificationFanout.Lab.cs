using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeAccess.Cloud.Outbox;
using Microsoft.EntityFrameworkCore;

namespace EdgeAccess.Cloud.Booking.Notifications;

public sealed partial class NotificationFanout
{
    /// <summary>
    /// Delivers a lab server's warning (<see cref="LabEventTypes.Warning"/>) caused by outbox
    /// message <paramref name="sourceId"/> to every active user linked to the warned person, and to
    /// the webhooks subscribed to it.
    /// </summary>
    public async Task DeliverLabWarningAsync(Guid sourceId, LabWarningPayload warning, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var resource = warning.ResourceId is { } resourceId
            ? await (from r in db.BookingResources.AsNoTracking()
                     join s in db.Sites.AsNoTracking() on r.SiteId equals s.Id
                     where r.Id == resourceId
                     select new { r.Name, s.TimeZone }).SingleOrDefaultAsync(ct)
            : null;
        var text = DescribeLabWarning(warning, resource?.Name, resource?.TimeZone);
        var data = JsonSerializer.SerializeToElement(new
        {
            @event = LabEventTypes.Warning,
            warning.NodeId,
            warning.Seq,
            warning.PersonId,
            warning.ResourceId,
            ResourceName = resource?.Name,
            warning.BookingId,
            warning.UserName,
            warning.Executable,
            warning.OccurredAt,
            warning.Deadline,
            warning.Message,
        }, OutboxWriter.JsonOptions);
        var (webhooks, delivered) = await FanOutAsync(sourceId, LabEventTypes.Warning, warning.BookingId, warning.PersonId, null, text, data, ct);
        LogLabWarningFannedOut(logger, sourceId, warning.NodeId, warning.Seq, webhooks, delivered);
    }

    /// <summary>
    /// The human text of a lab warning: what will be stopped when, in the resource's site zone
    /// (UTC when the resource is unknown), and what the node told the user.
    /// </summary>
    internal static string DescribeLabWarning(LabWarningPayload w, string? resource, string? timeZone)
    {
        var text = new StringBuilder("Lab warning: ");
        text.Append(resource ?? "a lab server");
        if (w.Executable.Length > 0)
        {
            text.Append(": ").Append(w.Executable);
        }

        if (w.Deadline is { } deadline)
        {
            var zone = timeZone is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
            var local = TimeZoneInfo.ConvertTime(deadline, zone);
            text.Append(CultureInfo.InvariantCulture, $" will be stopped at {local:yyyy-MM-dd HH:mm:ss} ({timeZone ?? "UTC"})");
        }

        if (w.Message.Length > 0)
        {
            text.Append(". ").Append(w.Message);
        }

        var result = text.ToString();
        return result.Length <= MaxText ? result : result[..MaxText];
    }

    [LoggerMessage(3904, LogLevel.Debug, "Outbox message {MessageId}: lab warning {NodeId}/{Seq} fanned out to {Webhooks} webhooks and {Users} users", EventName = "LabWarningFannedOut")]
    private static partial void LogLabWarningFannedOut(ILogger logger, Guid messageId, string nodeId, long seq, int webhooks, int users);
}
