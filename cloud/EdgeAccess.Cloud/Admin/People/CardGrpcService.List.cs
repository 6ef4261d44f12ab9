using EdgeAccess.Cloud.Admin.Common;
using EdgeAccess.Cloud.Auth;
using EdgeAccess.Grpc.Server;
using EdgeAccess.Protos.V1;
using Microsoft.EntityFrameworkCore;
using Entities = EdgeAccess.Cloud.Data.Entities;

namespace EdgeAccess.Cloud.Admin.People;

public sealed partial class CardGrpcService
{
    /// <inheritdoc />
    [Allow(Entities.UserRole.Admin, Entities.UserRole.Operator, Entities.UserRole.Auditor)]
    public override async Task<ListCardsResponse> ListCards(ListCardsRequest request, ServerCallContext context)
    {
        var personId = Validate.OptionalId(request.PersonId, "person_id");
        Entities.CardStatus? status = request.HasStatus ? request.Status.ToEntity("status") : null;
        var fingerprint = $"cards|{personId}|{status}";
        var page = Page.From(request.PageSize, request.PageToken, fingerprint);

        var query = db.Cards.AsNoTracking();
        if (personId is { } person)
        {
            query = query.Where(c => c.PersonId == person);
        }

        if (status is { } wanted)
        {
            query = query.Where(c => c.Status == wanted);
        }

        if (page.After is { } after)
        {
            query = query.Where(c => c.Id > after);
        }

        var cards = await query.OrderBy(c => c.Id).Take(page.Size + 1).ToListAsync(context.CancellationToken);
        var response = new ListCardsResponse { NextPageToken = page.NextToken(cards, c => c.Id, fingerprint) };
        response.Cards.AddRange(cards.Select(c => c.ToMessage()));
        return response;
    }
}
