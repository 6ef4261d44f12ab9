using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Cloud.Nodes;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using UserRole = EdgeAccess.Cloud.Data.Entities.UserRole;

namespace EdgeAccess.Cloud.Journal;

/// <summary>
/// <c>edgeaccess.v1.JournalService</c>: the edge journals as the hub stored them, for operators and
/// auditors. Read-only; the events arrive over the sync stream through <see cref="JournalStore"/>.
/// </summary>
internal sealed class JournalGrpcService(JournalQuery query) : JournalService.ServiceBase
{
    /// <inheritdoc />
    [Allow(UserRole.Admin, UserRole.Operator, UserRole.Auditor)]
    public override async Task<ListEventsResponse> ListEvents(ListEventsRequest request, ServerCallContext context)
    {
        var filter = ReadFilter(request);
        var page = JournalPage.From(request.PageSize, request.PageToken, filter.Fingerprint);
        var events = await query.ReadAsync(filter, page.Before, page.Size + 1, context.CancellationToken);
        var response = new ListEventsResponse { NextPageToken = page.NextToken(events, JournalQuery.KeyOf, filter.Fingerprint) };
        response.Events.AddRange(events);
        return response;
    }

    private static JournalFilter ReadFilter(ListEventsRequest request)
    {
        var from = Validate.Time(request.OccurTimeFrom, "occur_time_from");
        var to = Validate.Time(request.OccurTimeTo, "occur_time_to");
        if (from is not null && to is not null && to < from)
        {
            throw ApiErrors.Invalid("occur_time_to", "must not be before occur_time_from");
        }

        var result = request.Result is EventResult.Unspecified or EventResult.Granted or EventResult.Denied
            ? request.Result
            : throw ApiErrors.Invalid("result", "is not a known result");
        var kind = Validate.OptionalText(request.Kind, "kind", JournalBatch.MaxKindLength);
        return new JournalFilter(
            from,
            to,
            Validate.OptionalId(request.SiteId, "site_id"),
            string.IsNullOrEmpty(request.NodeId) ? null : NodeGrpcService.NodeId(request.NodeId),
            Validate.OptionalId(request.DoorId, "door_id"),
            Validate.OptionalId(request.PersonId, "person_id"),
            Validate.OptionalId(request.CardId, "card_id"),
            kind,
            result);
    }
}
